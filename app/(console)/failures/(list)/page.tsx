import Link from "next/link";
import { FailureFilters } from "@/components/failures/failure-filters";
import { FreshnessLine } from "@/components/failures/freshness";
import { RefreshButtons } from "@/components/failures/refresh-button";
import { BUCKET_LABEL, Trend } from "@/components/failures/trend";
import { Badge } from "@/components/ui/badge";
import { InvalidLinkNotice } from "@/components/ui/invalid-link-notice";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import { Pager } from "@/components/ui/pager";
import { RelativeTime } from "@/components/ui/relative-time";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePageRole } from "@/lib/auth/page";
import { hasRole } from "@/lib/auth/permissions";
import { getConfig } from "@/lib/config";
import { listJobTypes } from "@/lib/db/jobs";
import { failureFilterFromParams, listFailureGroups } from "@/lib/failures/groups";
import { WINDOW_LABELS } from "@/lib/failures/params";
import { refreshIfStale } from "@/lib/failures/schedule";
import { formatPercent } from "@/lib/format";
import { failureGroupHref, failuresHref, failuresUrl } from "@/lib/url-state/failures";
import { loadForUrlState } from "@/lib/url-state/load";
import { readUrlState } from "@/lib/url-state/parsers";
import type { Metadata } from "next";

export const metadata: Metadata = { title: "Failures" };

export const dynamic = "force-dynamic";

type SP = Promise<Record<string, string | string[] | undefined>>;

/** Failed tasks and jobs grouped by error signature (lib/failures); the view lives in the URL. */
export default async function FailuresPage({ searchParams }: { searchParams: SP }) {
  const user = await requirePageRole("reader");
  await refreshIfStale();
  const { data, state } = await loadForUrlState(readUrlState(failuresUrl, await searchParams), (v) =>
    Promise.all([listFailureGroups(failureFilterFromParams({ ...v, offset: v.offset ?? 0 })), listJobTypes()]),
  );
  const [list, jobTypes] = data;
  const p = state.values;
  const offset = p.offset ?? 0;
  const at = (o: number | null) => failuresHref("/failures", { ...p, offset: o || null });
  const filtered = !!(p.q || p.job_type || p.stage !== null || p.source);
  const bucket = BUCKET_LABEL[p.window];

  return (
    <>
      <PageHeader title="Failures">{hasRole(user, "admin") ? <RefreshButtons /> : null}</PageHeader>
      <InvalidLinkNotice invalid={state.invalid} clearHref="/failures" />
      <FailureFilters jobTypes={jobTypes} />
      <FreshnessLine freshness={list.freshness} staleAfterSeconds={getConfig().failureRollupSeconds} />
      <p className="mb-2 text-sm text-slate-600 dark:text-slate-400" data-testid="failures-total">
        {list.total_failures.toLocaleString("en-US")} {list.total_failures === 1 ? "failure" : "failures"} in{" "}
        {list.total_groups.toLocaleString("en-US")} {list.total_groups === 1 ? "group" : "groups"}
        {filtered ? " match" : ""} · {WINDOW_LABELS[p.window].toLowerCase()}
      </p>
      {list.groups.length === 0 ? (
        <Notice
          title={
            offset ? "No more groups" : filtered ? "No failures match these filters" : "No failures in this window"
          }
        >
          <p>
            {offset ? (
              <Link href={at(null)} className="text-sky-700 underline dark:text-sky-400">
                Go to the first page
              </Link>
            ) : filtered ? (
              <Link href={`/failures?window=${p.window}`} className="text-sky-700 underline dark:text-sky-400">
                Show all failures of this window
              </Link>
            ) : p.window !== "30d" ? (
              <Link href="/failures?window=30d" className="text-sky-700 underline dark:text-sky-400">
                Look at the last 30 days
              </Link>
            ) : (
              "Nothing has failed in the last 30 days."
            )}
          </p>
        </Notice>
      ) : (
        <Table
          caption={`Failure groups, ${WINDOW_LABELS[p.window].toLowerCase()}`}
          testId="failure-groups"
          head={
            <>
              <Th>Error</Th>
              <Th align="right">Failures</Th>
              <Th align="right">Share</Th>
              <Th align="right">Tasks</Th>
              <Th align="right">Jobs</Th>
              <Th>Trend</Th>
              <Th>Job types · stages</Th>
              <Th>First seen</Th>
              <Th>Last seen</Th>
            </>
          }
        >
          {list.groups.map((g) => (
            <tr key={g.signature} data-testid="failure-group">
              <Td className="max-w-xl">
                <Link
                  href={failureGroupHref(`/failures/${g.signature}`, { window: p.window })}
                  className="break-words font-mono text-xs text-sky-700 underline dark:text-sky-400"
                >
                  {g.template}
                </Link>
                {g.is_new ? (
                  <>
                    {" "}
                    <Badge tone="warning" title="First seen inside this window">
                      new
                    </Badge>
                  </>
                ) : null}
              </Td>
              <Td align="right">{g.count.toLocaleString("en-US")}</Td>
              <Td align="right">{formatPercent(g.share)}</Td>
              <Td align="right">{g.tasks.toLocaleString("en-US")}</Td>
              <Td align="right" title={`${g.jobs} failed jobs themselves`}>
                {g.jobs_affected.toLocaleString("en-US")}
              </Td>
              <Td>
                <Trend counts={g.trend} label={bucket} />
              </Td>
              <Td className="text-xs">
                {g.job_types.join(", ") || "—"}
                {g.stages.length ? ` · stage ${g.stages.join(", ")}` : ""}
              </Td>
              <Td>
                <RelativeTime iso={g.first_seen} />
              </Td>
              <Td>
                <RelativeTime iso={g.last_seen} />
              </Td>
            </tr>
          ))}
        </Table>
      )}
      <Pager
        summary={
          list.groups.length
            ? `Groups ${(offset + 1).toLocaleString("en-US")}–${(offset + list.groups.length).toLocaleString("en-US")} of ${list.total_groups.toLocaleString("en-US")}`
            : undefined
        }
        firstHref={offset ? at(null) : null}
        prevHref={offset ? at(Math.max(0, offset - p.limit)) : null}
        nextHref={offset + list.groups.length < list.total_groups ? at(offset + p.limit) : null}
        prevLabel="← Previous"
        nextLabel="Next →"
      />
    </>
  );
}
