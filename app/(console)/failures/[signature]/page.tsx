import Link from "next/link";
import { notFound } from "next/navigation";
import { FreshnessLine } from "@/components/failures/freshness";
import { BUCKET_LABEL, Trend } from "@/components/failures/trend";
import { Badge } from "@/components/ui/badge";
import { InvalidLinkNotice } from "@/components/ui/invalid-link-notice";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import { KeysetPager } from "@/components/ui/pager";
import { RelativeTime } from "@/components/ui/relative-time";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePageRole } from "@/lib/auth/page";
import { getConfig } from "@/lib/config";
import { getFailureGroup, listFailureMembers } from "@/lib/failures/groups";
import { FAILURE_WINDOWS, WINDOW_LABELS } from "@/lib/failures/params";
import { refreshIfStale } from "@/lib/failures/schedule";
import { SIGNATURE_KEY } from "@/lib/failures/signature";
import { formatExact, formatPercent } from "@/lib/format";
import { failureGroupHref, failureGroupUrl } from "@/lib/url-state/failures";
import { loadForUrlState } from "@/lib/url-state/load";
import { readUrlState } from "@/lib/url-state/parsers";
import type { Metadata } from "next";
import { paramTitle } from "@/lib/page-title";

export async function generateMetadata({ params }: { params: Promise<{ signature: string }> }): Promise<Metadata> {
  return { title: `Failure group ${paramTitle((await params).signature, 16)}` };
}

export const dynamic = "force-dynamic";

type Props = {
  params: Promise<{ signature: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

const link = "text-sky-700 underline dark:text-sky-400";

/** One failure group: counts, trend, examples, and its tasks and jobs (keyset-paged). */
export default async function FailureGroupPage({ params, searchParams }: Props) {
  await requirePageRole("reader");
  const signature = (await params).signature;
  if (!SIGNATURE_KEY.test(signature)) notFound();
  await refreshIfStale();
  const { data, state } = await loadForUrlState(readUrlState(failureGroupUrl, await searchParams), (v) =>
    Promise.all([
      getFailureGroup(signature, v.window),
      listFailureMembers(signature, v.window, { limit: v.limit, cursor: v.cursor ?? undefined }),
    ]),
  );
  const [group, members] = data;
  if (!group) notFound();
  const p = state.values;
  const base = `/failures/${signature}`;
  const exportHref = (format: string) =>
    `/api/export/failures?signature=${signature}&window=${p.window}&format=${format}`;

  return (
    <>
      <PageHeader title="Failure group">
        <Link href={`/failures?window=${p.window}`} className={`text-sm ${link}`}>
          ← All groups
        </Link>
      </PageHeader>
      <InvalidLinkNotice invalid={state.invalid} clearHref={base} />
      <section className="mb-4 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
        <p className="break-words font-mono text-sm" data-testid="failure-template">
          {group.template}
        </p>
        <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">
          {group.error_class ? `${group.error_class} · ` : ""}key <span className="font-mono">{signature}</span> · first
          seen <time dateTime={group.first_seen_ever ?? undefined}>{formatExact(group.first_seen_ever)}</time>
          {group.is_new ? (
            <>
              {" "}
              <Badge tone="warning">new in this window</Badge>
            </>
          ) : null}
        </p>
      </section>
      <nav aria-label="Window" className="mb-4 flex flex-wrap gap-2 text-sm">
        {FAILURE_WINDOWS.map((w) => (
          <Link
            key={w}
            href={failureGroupHref(base, { window: w })}
            aria-current={w === p.window ? "page" : undefined}
            className={`rounded border px-3 py-1 ${w === p.window ? "border-sky-700 bg-sky-50 font-medium dark:bg-sky-950" : "border-slate-300 dark:border-slate-700"}`}
          >
            {WINDOW_LABELS[w]}
          </Link>
        ))}
      </nav>
      <FreshnessLine freshness={group.freshness} staleAfterSeconds={getConfig().failureRollupSeconds} />
      <dl className="mb-4 grid grid-cols-2 gap-3 text-sm sm:grid-cols-5" data-testid="failure-group-stats">
        {[
          ["Failures", group.count.toLocaleString("en-US")],
          ["Share of all", formatPercent(group.share)],
          ["Tasks", group.tasks.toLocaleString("en-US")],
          ["Jobs affected", group.jobs_affected.toLocaleString("en-US")],
          [
            "Job types · stages",
            `${group.job_types.join(", ") || "—"}${group.stages.length ? ` · ${group.stages.join(", ")}` : ""}`,
          ],
        ].map(([k, v]) => (
          <div
            key={k}
            className="rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900"
          >
            <dt className="text-xs text-slate-600 dark:text-slate-400">{k}</dt>
            <dd className="mt-1 font-semibold">{v}</dd>
          </div>
        ))}
      </dl>
      <figure className="mb-6 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
        <Trend counts={group.trend} label={BUCKET_LABEL[p.window]} large />
        <figcaption className="mt-1 text-xs text-slate-600 dark:text-slate-400">
          Failures per {BUCKET_LABEL[p.window]}, {WINDOW_LABELS[p.window].toLowerCase()}, oldest on the left · last seen{" "}
          <RelativeTime iso={group.last_seen} />
        </figcaption>
      </figure>
      <h2 className="mb-2 text-lg font-semibold">Examples</h2>
      <div className="mb-6 space-y-3">
        {group.examples.map((e) => (
          <details
            key={`${e.source}:${e.id}`}
            className="rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900"
          >
            <summary className="cursor-pointer text-sm">
              {e.source} <span className="font-mono">{e.id}</span> · <time dateTime={e.at}>{formatExact(e.at)}</time>
            </summary>
            <pre className="mt-2 max-h-80 overflow-auto whitespace-pre-wrap break-words text-xs" tabIndex={0}>
              {e.message}
            </pre>
          </details>
        ))}
      </div>
      <div className="mb-2 flex flex-wrap items-center justify-between gap-3">
        <h2 className="text-lg font-semibold">Tasks and jobs</h2>
        <span className="text-sm">
          Export:{" "}
          <a className={link} href={exportHref("csv")} download>
            CSV
          </a>{" "}
          ·{" "}
          <a className={link} href={exportHref("json")} download>
            JSON
          </a>{" "}
          <span className="text-xs text-slate-600 dark:text-slate-400">(this window, first 50,000 rows)</span>
        </span>
      </div>
      {members.rows.length === 0 ? (
        <Notice title={p.cursor ? "No more failures" : "No failures of this group in this window"}>
          <p>
            <Link
              href={p.cursor ? failureGroupHref(base, { window: p.window }) : failureGroupHref(base, { window: "30d" })}
              className={link}
            >
              {p.cursor ? "Go to the first page" : "Look at the last 30 days"}
            </Link>
          </p>
        </Notice>
      ) : (
        <Table
          caption="Failed tasks and jobs of this group"
          testId="failure-members"
          head={
            <>
              <Th>Failed</Th>
              <Th>Task or job</Th>
              <Th>Job</Th>
              <Th>Job type</Th>
              <Th align="right">Stage</Th>
              <Th>Status now</Th>
              <Th>Error</Th>
            </>
          }
        >
          {members.rows.map((m) => (
            <tr key={`${m.source}:${m.id}`}>
              <Td>
                <RelativeTime iso={m.failed_at} />
              </Td>
              <Td className="font-mono text-xs">
                {m.source === "task" ? `task ${m.id}` : "the job itself"}
                {m.task_type ? <span className="block text-slate-600 dark:text-slate-400">{m.task_type}</span> : null}
              </Td>
              <Td className="font-mono text-xs">
                <Link
                  href={`/jobs/${encodeURIComponent(m.job_id)}${m.source === "task" && m.stage !== null ? `?stage=${m.stage}#tasks` : ""}`}
                  className={link}
                >
                  {m.job_id}
                </Link>
              </Td>
              <Td className="text-xs">{m.job_type ?? "—"}</Td>
              <Td align="right">{m.stage ?? "—"}</Td>
              <Td>{m.status ?? <Badge tone="neutral">deleted since</Badge>}</Td>
              <Td className="max-w-md">
                <span className="line-clamp-2 break-words font-mono text-xs" title={m.error_message ?? undefined}>
                  {m.error_message ?? "—"}
                </span>
              </Td>
            </tr>
          ))}
        </Table>
      )}
      <KeysetPager
        rows={members.rows.length}
        cursor={p.cursor}
        page={members}
        href={(cursor) => failureGroupHref(base, { ...p, cursor })}
      />
    </>
  );
}
