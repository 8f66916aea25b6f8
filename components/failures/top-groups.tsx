import Link from "next/link";
import { Trend, BUCKET_LABEL } from "@/components/failures/trend";
import { Badge } from "@/components/ui/badge";
import type { FailureGroupList } from "@/lib/failures/groups";
import { formatPercent } from "@/lib/format";

/** The overview's "top failure groups, 24 h" panel: the biggest groups, each linking to its page. */
export function TopFailureGroups({ list }: { list: FailureGroupList }) {
  return (
    <section
      className="mb-6 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
      aria-labelledby="groups-h"
    >
      <div className="mb-2 flex items-center justify-between">
        <h2 id="groups-h" className="font-medium">
          Top failure groups, 24 h
        </h2>
        <Link href="/failures" className="text-sm text-sky-700 underline dark:text-sky-400">
          All failure groups
        </Link>
      </div>
      {list.groups.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {list.freshness.refreshed_at ? "Nothing failed in the last 24 hours." : "The failure index is being built."}
        </p>
      ) : (
        <ul className="divide-y divide-slate-100 dark:divide-slate-800" data-testid="top-failure-groups">
          {list.groups.map((g) => (
            <li key={g.signature} className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2 text-sm">
              <span className="w-16 text-right font-semibold tabular-nums">{g.count.toLocaleString("en-US")}</span>
              <span className="w-14 text-right text-xs tabular-nums text-slate-600 dark:text-slate-400">
                {formatPercent(g.share)}
              </span>
              <Trend counts={g.trend} label={BUCKET_LABEL["24h"]} />
              <Link
                href={`/failures/${g.signature}?window=24h`}
                className="min-w-0 flex-1 truncate font-mono text-xs text-sky-700 hover:underline dark:text-sky-400"
                title={g.template}
              >
                {g.template}
              </Link>
              {g.is_new ? <Badge tone="warning">new</Badge> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
