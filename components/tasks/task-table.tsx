import Link from "next/link";
import { StatusBadge } from "@/components/jobs/status-badge";
import { formatDuration, shortId } from "@/components/ui/format";
import { RelativeTime } from "@/components/ui/relative-time";
import { errorHeadline } from "@/lib/db/jobs-params";
import type { TaskSummary } from "@/lib/db/tasks";

/**
 * Tasks as a table: status (stuck highlighted), retry count, heartbeat age and the error,
 * expandable (a <details>, so it opens with the keyboard too). `showJob` adds a job link column.
 */
export function TaskTable({
  tasks,
  showJob,
  stuckMinutes,
}: {
  tasks: TaskSummary[];
  showJob?: boolean;
  stuckMinutes: number;
}) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <table className="w-full text-left text-sm">
        <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-600 dark:border-slate-800 dark:bg-slate-950 dark:text-slate-400">
          <tr>
            <th scope="col" className="px-3 py-2">
              Task
            </th>
            {showJob ? (
              <th scope="col" className="px-3 py-2">
                Job
              </th>
            ) : null}
            <th scope="col" className="px-3 py-2">
              Type
            </th>
            <th scope="col" className="px-3 py-2">
              Stage
            </th>
            <th scope="col" className="px-3 py-2">
              Status
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              Retries
            </th>
            <th scope="col" className="px-3 py-2">
              Heartbeat
            </th>
            <th scope="col" className="px-3 py-2">
              Updated
            </th>
            <th scope="col" className="px-3 py-2">
              Error
            </th>
          </tr>
        </thead>
        <tbody>
          {tasks.map((t) => (
            <tr
              key={t.task_id}
              data-task-id={t.task_id}
              data-stuck={t.stuck ? "true" : undefined}
              className={`border-b border-slate-100 align-top last:border-0 dark:border-slate-800 ${t.stuck ? "bg-red-50 dark:bg-red-950/40" : ""}`}
            >
              <td className="px-3 py-1.5 font-mono text-xs" title={t.task_id}>
                {t.task_id}
              </td>
              {showJob ? (
                <td className="px-3 py-1.5">
                  <Link
                    className="font-mono text-xs text-sky-700 hover:underline dark:text-sky-400"
                    href={`/jobs/${encodeURIComponent(t.job_id)}`}
                    title={t.job_id}
                  >
                    {shortId(t.job_id)}
                  </Link>
                </td>
              ) : null}
              <td className="px-3 py-1.5">{t.task_type}</td>
              <td className="px-3 py-1.5 tabular-nums">{t.stage}</td>
              <td className="px-3 py-1.5">
                <StatusBadge
                  status={t.status}
                  stuck={t.stuck}
                  stuckTitle={`Processing, no heartbeat for more than ${stuckMinutes} min`}
                />
              </td>
              <td className="px-3 py-1.5 text-right tabular-nums">{t.retry_count}</td>
              <td className="px-3 py-1.5">
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
              </td>
              <td className="px-3 py-1.5">
                <RelativeTime iso={t.updated_at} />
              </td>
              <td className="max-w-md px-3 py-1.5 [overflow-wrap:anywhere]">
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
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
