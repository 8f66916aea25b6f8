import Link from "next/link";
import { formatCount, formatDate, shortId } from "@/lib/format";
import { OperationButton } from "@/components/destructive/operation-button";
import { UnpublishButton } from "@/components/geo/unpublish-button";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePageRole } from "@/lib/auth/page";
import { canMutate } from "@/lib/auth/permissions";
import { getConfig } from "@/lib/config";
import { latestOrphanReport, orphanReport } from "@/lib/db/orphans";
import type { Metadata } from "next";

export const metadata: Metadata = { title: "Orphans" };

function Stat({ label, value, tone }: { label: string; value: number; tone?: "warn" }) {
  return (
    <div
      className={`rounded-lg border p-3 ${tone === "warn" && value > 0 ? "border-amber-300 bg-amber-50 dark:border-amber-700 dark:bg-amber-950/40" : "border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900"}`}
    >
      <div className="text-xs uppercase text-slate-600 dark:text-slate-400">{label}</div>
      <div className="text-2xl font-semibold tabular-nums">{formatCount(value)}</div>
    </div>
  );
}

export default async function OrphansPage() {
  const user = await requirePageRole("reader");
  const [report, last] = await Promise.all([orphanReport(), latestOrphanReport()]);
  const admin = canMutate(user);
  const hours = getConfig().orphanCheckIntervalHours;
  const s = report.summary;

  return (
    <>
      <PageHeader title="Orphans">
        <span
          data-testid="health-status"
          className={`rounded-full px-3 py-1 text-xs font-semibold ${s.health_status === "HEALTHY" ? "bg-emerald-100 text-emerald-900 dark:bg-emerald-900/40 dark:text-emerald-200" : "bg-amber-100 text-amber-900 dark:bg-amber-900/40 dark:text-amber-200"}`}
        >
          {s.health_status}
        </span>
      </PageHeader>
      <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">
        Live report from the catalog at {formatDate(report.timestamp)}.{" "}
        {hours
          ? `The scheduled check runs every ${hours} h`
          : "The scheduled check is off (ORPHAN_CHECK_INTERVAL_HOURS=0)"}
        {last
          ? `; its last result (${formatDate(last.checked_at)}) was ${last.health_status}.`
          : "; it has not stored a result yet."}
      </p>
      <div className="mb-6 grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
        <Stat label="Geo tables" value={s.total_geo_tables} />
        <Stat label="Metadata rows" value={s.total_metadata_records} />
        <Stat label="Tracked" value={s.tracked} />
        <Stat label="Orphaned tables" value={s.orphaned_tables} tone="warn" />
        <Stat label="Orphaned metadata" value={s.orphaned_metadata} tone="warn" />
        <Stat label="Orphaned STAC items" value={s.orphaned_stac_items} tone="warn" />
      </div>

      <section className="mb-6" aria-labelledby="orphaned-tables">
        <h2 id="orphaned-tables" className="mb-2 font-semibold">
          Tables without metadata
        </h2>
        {report.orphaned_tables.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">
            None: every table in schema geo has a metadata row.
          </p>
        ) : (
          <Table
            caption="Tables without metadata"
            testId="orphaned-tables"
            head={
              <>
                <Th>Table</Th>
                <Th align="right">Rows</Th>
                <Th align="right">Size</Th>
                <Th>Reason</Th>
                {admin ? (
                  <Th>
                    <span className="sr-only">Actions</span>
                  </Th>
                ) : null}
              </>
            }
          >
            {report.orphaned_tables.map((t) => (
              <tr key={t.table_name} data-testid={`orphan-table-${t.table_name}`}>
                <Td className="font-mono">
                  <Link className="hover:underline" href={`/geo/${encodeURIComponent(t.table_name)}`}>
                    {t.table_name}
                  </Link>
                </Td>
                <Td align="right">
                  <span
                    title={
                      t.row_count_exact
                        ? undefined
                        : `Planner estimate (pg_class.reltuples): ${t.row_count.toLocaleString("en-US")}`
                    }
                  >
                    {formatCount(t.row_count, t.row_count_exact)}
                  </span>
                </Td>
                <Td align="right">{t.size_pretty}</Td>
                <Td className="text-xs text-slate-600 dark:text-slate-400">{t.reason}</Td>
                {admin ? (
                  <Td align="right">
                    <UnpublishButton
                      compact
                      impact={{
                        table_name: t.table_name,
                        table_exists: true,
                        row_count: t.row_count,
                        size_pretty: t.size_pretty,
                        metadata_row: false,
                        stac_item_id: null,
                        stac_collection_id: null,
                      }}
                    />
                  </Td>
                ) : null}
              </tr>
            ))}
          </Table>
        )}
      </section>

      <section className="mb-6" aria-labelledby="orphaned-metadata">
        <h2 id="orphaned-metadata" className="mb-2 font-semibold">
          Metadata without a table
        </h2>
        {report.orphaned_metadata.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">None: every metadata row has its table.</p>
        ) : (
          <Table
            caption="Metadata without a table"
            testId="orphaned-metadata"
            head={
              <>
                <Th>Table</Th>
                <Th>ETL job</Th>
                <Th>STAC item</Th>
                <Th>Created</Th>
                <Th>Reason</Th>
                {admin ? (
                  <Th>
                    <span className="sr-only">Actions</span>
                  </Th>
                ) : null}
              </>
            }
          >
            {report.orphaned_metadata.map((m) => (
              <tr key={m.table_name} data-testid={`orphan-metadata-${m.table_name}`}>
                <Td className="font-mono">
                  <Link className="hover:underline" href={`/geo/${encodeURIComponent(m.table_name)}`}>
                    {m.table_name}
                  </Link>
                </Td>
                <Td className="font-mono text-xs">
                  {m.etl_job_id ? (
                    <Link
                      className="hover:underline"
                      href={`/jobs/${encodeURIComponent(m.etl_job_id)}`}
                      title={m.etl_job_id}
                    >
                      {shortId(m.etl_job_id)}
                    </Link>
                  ) : (
                    "—"
                  )}
                </Td>
                <Td className="font-mono text-xs">{m.stac_item_id ?? "—"}</Td>
                <Td className="whitespace-nowrap text-xs">{formatDate(m.created_at)}</Td>
                <Td className="text-xs text-slate-600 dark:text-slate-400">{m.reason}</Td>
                {admin ? (
                  <Td align="right">
                    <UnpublishButton
                      compact
                      impact={{
                        table_name: m.table_name,
                        table_exists: false,
                        row_count: null,
                        size_pretty: null,
                        metadata_row: true,
                        stac_item_id: m.stac_item_id,
                        stac_collection_id: m.stac_collection_id,
                      }}
                    />
                  </Td>
                ) : null}
              </tr>
            ))}
          </Table>
        )}
      </section>

      <section className="mb-6" aria-labelledby="orphaned-stac-items">
        <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
          <h2 id="orphaned-stac-items" className="font-semibold">
            STAC items without a layer
          </h2>
          {admin && report.stac_checked && report.orphaned_stac_items.length ? (
            <OperationButton operation="stac-orphans" params={{}} label="Remove orphaned STAC items" compact />
          ) : null}
        </div>
        {!report.stac_checked ? (
          <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="orphaned-stac-unchecked">
            Not checked: pgSTAC could not be read in this database.
          </p>
        ) : report.orphaned_stac_items.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">
            None: every STAC item in the vector collections has its metadata row.
          </p>
        ) : (
          <>
            {s.orphaned_stac_items > report.orphaned_stac_items.length ? (
              <p className="mb-2 text-sm text-slate-600 dark:text-slate-400">
                Showing the first {formatCount(report.orphaned_stac_items.length)} of{" "}
                {formatCount(s.orphaned_stac_items)}, by collection and id.
              </p>
            ) : null}
            <Table
              caption="STAC items without metadata"
              testId="orphaned-stac-items"
              head={
                <>
                  <Th>STAC item</Th>
                  <Th>Collection</Th>
                  <Th>Datetime</Th>
                  <Th>Reason</Th>
                </>
              }
            >
              {report.orphaned_stac_items.map((i) => (
                <tr key={`${i.collection}/${i.id}`} data-testid={`orphan-stac-${i.id}`}>
                  <Td className="font-mono text-xs">{i.id}</Td>
                  <Td className="font-mono text-xs">{i.collection}</Td>
                  <Td className="whitespace-nowrap text-xs">{formatDate(i.datetime)}</Td>
                  <Td className="text-xs text-slate-600 dark:text-slate-400">{i.reason}</Td>
                </tr>
              ))}
            </Table>
          </>
        )}
      </section>

      <section aria-labelledby="tracked">
        <h2 id="tracked" className="mb-2 font-semibold">
          Tracked tables ({formatCount(report.tracked_tables.length)})
        </h2>
        <ul className="flex flex-wrap gap-2 text-sm" data-testid="tracked-tables">
          {report.tracked_tables.map((t) => (
            <li key={t}>
              <Link
                className="rounded bg-slate-100 px-2 py-0.5 font-mono text-xs hover:underline dark:bg-slate-800"
                href={`/geo/${encodeURIComponent(t)}`}
              >
                {t}
              </Link>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
