import Link from "next/link";
import { z } from "zod";
import { formatCount, formatDate, shortId } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import { boolParam, safeText } from "@/lib/api/params";
import { requirePageRole } from "@/lib/auth/page";
import { listMetadata } from "@/lib/db/geo";

const PAGE_SIZE = 25;
const Params = z.object({
  // Free text never carries control characters to PostgreSQL (NUL would be a 500): dropped instead.
  job_id: safeText(64).optional().catch(undefined),
  has_stac: boolParam.optional().catch(undefined),
  q: safeText(200).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100000).default(1).catch(1),
});

function href(p: Record<string, string | number | undefined>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) if (v !== undefined && v !== "") qs.set(k, String(v));
  const s = qs.toString();
  return s ? `/geo?${s}` : "/geo";
}

export default async function GeoLayersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePageRole("reader");
  const p = Params.parse(await searchParams);
  const filters = { job_id: p.job_id || undefined, has_stac: p.has_stac, q: p.q || undefined };
  const data = await listMetadata({ ...filters, limit: PAGE_SIZE, offset: (p.page - 1) * PAGE_SIZE });
  const pages = Math.max(1, Math.ceil(data.total / PAGE_SIZE));
  const hasStac = p.has_stac === undefined ? undefined : String(p.has_stac);
  const keep = { job_id: filters.job_id, has_stac: hasStac, q: filters.q };
  const input = "rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-900";

  return (
    <>
      <PageHeader title="Geo layers">
        <span className="text-sm text-slate-600 dark:text-slate-400" data-testid="geo-total">
          {formatCount(data.total)} layers
        </span>
      </PageHeader>
      <form
        method="get"
        action="/geo"
        className="mb-4 flex flex-wrap items-end gap-3"
        role="search"
        aria-label="Filter layers"
      >
        <label className="flex flex-col text-xs font-medium">
          Search
          <input name="q" defaultValue={filters.q} placeholder="title, table or keyword" className={input} />
        </label>
        <label className="flex flex-col text-xs font-medium">
          ETL job id
          <input name="job_id" defaultValue={filters.job_id} className={`${input} font-mono`} />
        </label>
        <label className="flex flex-col text-xs font-medium">
          STAC
          <select name="has_stac" defaultValue={hasStac ?? ""} className={input}>
            <option value="">any</option>
            <option value="true">catalogued</option>
            <option value="false">not catalogued</option>
          </select>
        </label>
        <button
          type="submit"
          className="rounded bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800"
        >
          Apply
        </button>
        {Object.values(keep).some(Boolean) ? (
          <Link href="/geo" className="text-sm underline">
            Clear
          </Link>
        ) : null}
      </form>

      {data.metadata.length === 0 ? (
        <Notice title="No layers">
          <p>
            {Object.values(keep).some(Boolean)
              ? "No published layer matches these filters."
              : "geo.table_metadata has no rows yet."}
          </p>
        </Notice>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
          <table className="w-full text-left text-sm" data-testid="geo-table">
            <thead className="border-b border-slate-200 text-xs uppercase text-slate-600 dark:border-slate-800 dark:text-slate-400">
              <tr>
                <th className="px-3 py-2">Title / table</th>
                <th className="px-3 py-2">Geometry</th>
                <th className="px-3 py-2 text-right">Features</th>
                <th className="px-3 py-2">Source</th>
                <th className="px-3 py-2">STAC</th>
                <th className="px-3 py-2">ETL job</th>
                <th className="px-3 py-2">Created</th>
              </tr>
            </thead>
            <tbody>
              {data.metadata.map((m) => (
                <tr
                  key={m.table_name}
                  className="border-b border-slate-100 last:border-0 dark:border-slate-800"
                  data-testid={`geo-row-${m.table_name}`}
                >
                  <td className="px-3 py-2">
                    <Link
                      href={`/geo/${encodeURIComponent(m.table_name)}`}
                      className="font-medium text-sky-800 hover:underline dark:text-sky-300"
                    >
                      {m.title || m.table_name}
                    </Link>
                    <div className="font-mono text-xs text-slate-600">{m.table_name}</div>
                  </td>
                  <td className="px-3 py-2">{m.geometry_type ?? "—"}</td>
                  <td className="px-3 py-2 text-right tabular-nums">
                    {m.feature_count === null ? "—" : formatCount(m.feature_count)}
                  </td>
                  <td className="px-3 py-2">
                    <div className="max-w-48 truncate" title={m.source_file ?? undefined}>
                      {m.source_file ?? "—"}
                    </div>
                    <div className="text-xs text-slate-600">{m.source_format ?? ""}</div>
                  </td>
                  <td className="px-3 py-2">
                    {m.stac_item_id ? (
                      <>
                        <div className="font-mono text-xs">{m.stac_item_id}</div>
                        <div className="text-xs text-slate-600">{m.stac_collection_id}</div>
                      </>
                    ) : (
                      <span className="text-xs italic text-slate-600">not catalogued</span>
                    )}
                  </td>
                  <td className="px-3 py-2 font-mono text-xs">
                    {m.etl_job_id ? (
                      <Link
                        href={`/jobs/${encodeURIComponent(m.etl_job_id)}`}
                        className="hover:underline"
                        title={m.etl_job_id}
                      >
                        {shortId(m.etl_job_id)}
                      </Link>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 text-xs">{formatDate(m.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pages > 1 ? (
        <nav aria-label="Pagination" className="mt-4 flex items-center gap-3 text-sm">
          {p.page > 1 ? (
            <Link className="underline" href={href({ ...keep, page: p.page - 1 })}>
              ← Previous
            </Link>
          ) : (
            <span className="text-slate-400">← Previous</span>
          )}
          <span>
            Page {p.page} of {pages}
          </span>
          {p.page < pages ? (
            <Link className="underline" href={href({ ...keep, page: p.page + 1 })}>
              Next →
            </Link>
          ) : (
            <span className="text-slate-400">Next →</span>
          )}
        </nav>
      ) : null}
    </>
  );
}
