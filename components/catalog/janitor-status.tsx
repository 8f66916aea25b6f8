import Link from "next/link";
import type { JanitorTypeStatus } from "@/lib/db/activity";
import { formatDate } from "@/lib/format";
import { Notice } from "@/components/ui/notice";
import { Table, Td, Th } from "@/components/ui/table";

/** The warning when a janitor check has not succeeded within the configured age; nothing when all are fresh. */
export function JanitorStaleWarning({ types, staleHours }: { types: JanitorTypeStatus[]; staleHours: number }) {
  const stale = types.filter((t) => t.stale);
  if (stale.length === 0) return null;
  return (
    <div className="mb-4" data-testid="janitor-stale">
      <Notice title="A janitor check has not succeeded recently" tone="warning">
        <p>
          No successful run in the last {staleHours} h for{" "}
          {stale.map((t, i) => (
            <span key={t.run_type}>
              {i > 0 ? ", " : ""}
              <Link
                className="font-mono underline"
                href={`/activity/janitor?run_type=${encodeURIComponent(t.run_type)}`}
              >
                {t.run_type}
              </Link>{" "}
              (last success {t.last_success_at ? formatDate(t.last_success_at) : "never"})
            </span>
          ))}
          . Check the janitor&apos;s logs; the threshold is JANITOR_STALE_HOURS.
        </p>
      </Notice>
    </div>
  );
}

/** Per run type: the last run, its status, and the last successful run. */
export function JanitorStatusTable({ types }: { types: JanitorTypeStatus[] }) {
  return (
    <Table
      caption="Janitor run types"
      testId="janitor-types"
      head={
        <>
          <Th>Run type</Th>
          <Th>Last run</Th>
          <Th>Last status</Th>
          <Th>Last successful run</Th>
        </>
      }
    >
      {types.map((t) => (
        <tr key={t.run_type} data-testid={`janitor-type-${t.run_type}`} data-stale={t.stale ? "true" : undefined}>
          <Td className="font-mono text-xs">{t.run_type}</Td>
          <Td className="whitespace-nowrap text-xs">{formatDate(t.last_run_at)}</Td>
          <Td className="text-xs">{t.last_status}</Td>
          <Td
            className={`whitespace-nowrap text-xs ${t.stale ? "font-semibold text-amber-800 dark:text-amber-300" : ""}`}
          >
            {t.last_success_at ? formatDate(t.last_success_at) : "never"}
            {t.stale ? " (too old)" : ""}
          </Td>
        </tr>
      ))}
    </Table>
  );
}
