import Link from "next/link";
import { StatusBadge } from "@/components/jobs/status-badge";
import { formatDuration, shortId } from "@/lib/format";
import { RelativeTime } from "@/components/ui/relative-time";
import { Table, Td, Th } from "@/components/ui/table";
import { errorHeadline } from "@/lib/format";
import type { TaskSummary } from "@/lib/db/tasks";

/**
 * Tasks as a table: status (stuck highlighted), retry count, heartbeat age and the error,
 * expandable (a <details>, so it opens with the keyboard too). `showJob` adds a job link column.
 */
export function TaskTable({
  tasks,
  showJob,
  stuckMinutes,
  caption = "Tasks",
}: {
  tasks: TaskSummary[];
  showJob?: boolean;
  stuckMinutes: number;
  caption?: string;
}) {
  return (
    <Table
      caption={caption}
      head={
        <>
          <Th>Task</Th>
          {showJob ? <Th>Job</Th> : null}
          <Th>Type</Th>
          <Th>Stage</Th>
          <Th>Status</Th>
          <Th align="right">Retries</Th>
          <Th>Heartbeat</Th>
          <Th>Updated</Th>
          <Th>Error</Th>
        </>
      }
    >
      {tasks.map((t) => (
        <tr
          key={t.task_id}
          id={`task-${t.task_id}`}
          data-task-id={t.task_id}
          data-stuck={t.stuck ? "true" : undefined}
          className={
            t.stuck
              ? "bg-red-50 target:ring-2 target:ring-sky-500 dark:bg-red-950/40"
              : "target:ring-2 target:ring-sky-500"
          }
        >
          <Td className="font-mono text-xs" title={t.task_id}>
            {t.task_id}
          </Td>
          {showJob ? (
            <Td>
              <Link
                className="font-mono text-xs text-sky-700 hover:underline dark:text-sky-400"
                href={`/jobs/${encodeURIComponent(t.job_id)}`}
                title={t.job_id}
              >
                {shortId(t.job_id)}
              </Link>
            </Td>
          ) : null}
          <Td>{t.task_type}</Td>
          <Td className="tabular-nums">{t.stage}</Td>
          <Td>
            <StatusBadge
              status={t.status}
              stuck={t.stuck}
              stuckTitle={`Processing, no heartbeat for more than ${stuckMinutes} min`}
            />
          </Td>
          <Td align="right">{t.retry_count}</Td>
          <Td>
            {t.heartbeat_age_seconds !== null ? (
              <span
                className={t.stuck ? "font-medium text-red-700 dark:text-red-300" : ""}
                title={t.heartbeat ?? "no heartbeat yet"}
              >
                {formatDuration(t.heartbeat_age_seconds)} ago
              </span>
            ) : (
              <RelativeTime iso={t.heartbeat} />
            )}
          </Td>
          <Td>
            <RelativeTime iso={t.updated_at} />
          </Td>
          <Td className="max-w-md [overflow-wrap:anywhere]">
            {t.error_message ? (
              <details className="group">
                <summary className="cursor-pointer text-red-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:text-red-300">
                  {errorHeadline(t.error_message, 120)}
                </summary>
                <pre
                  className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap rounded bg-slate-100 p-2 font-mono text-xs text-slate-800 dark:bg-slate-950 dark:text-slate-200"
                  data-testid="task-error"
                >
                  {t.error_message}
                </pre>
              </details>
            ) : (
              <span className="text-slate-400">—</span>
            )}
            {t.failure_group ? (
              <Link
                href={`/failures/${t.failure_group}?window=30d`}
                className="mt-1 inline-block text-xs text-sky-700 underline dark:text-sky-400"
                data-testid="task-failure-group"
              >
                All failures like this
              </Link>
            ) : null}
          </Td>
        </tr>
      ))}
    </Table>
  );
}
