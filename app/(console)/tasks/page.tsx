import Link from "next/link";
import { TaskTable } from "@/components/tasks/task-table";
import { formatCount } from "@/components/ui/format";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import { Pager } from "@/components/ui/pager";
import { AppError } from "@/lib/api/errors";
import { badRequestFrom } from "@/lib/api/respond";
import { requirePageRole } from "@/lib/auth/page";
import {
  flattenSearchParams,
  PAGE_SIZES,
  TASK_STATUSES,
  taskListSchema,
  toQueryString,
  type TaskListParams,
} from "@/lib/db/jobs-params";
import { countTasks, listTaskTypes, listTasks } from "@/lib/db/tasks";

export const dynamic = "force-dynamic";

type SP = Promise<Record<string, string | string[] | undefined>>;
const input = "rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900";

/**
 * Tasks across jobs. The filter is a plain GET form: the URL is the state (shareable, Back
 * works) and it works before any JavaScript has loaded. Keyset paging via the same URL.
 */
export default async function TasksPage({ searchParams }: { searchParams: SP }) {
  await requirePageRole("reader");
  const raw = flattenSearchParams(await searchParams);
  raw.limit ??= "50";
  const parsed = taskListSchema.safeParse(raw);
  if (!parsed.success) return <Bad message={badRequestFrom(parsed.error).message} />;
  const p: TaskListParams = { ...parsed.data, limit: Math.min(parsed.data.limit, 100) };
  const filter = { statuses: p.status, taskType: p.task_type, jobId: p.job_id, stuckOnly: p.stuck };
  let data;
  try {
    data = await Promise.all([
      listTasks({ ...filter, limit: p.limit, cursor: p.cursor }),
      countTasks(filter),
      listTaskTypes(),
    ]);
  } catch (err) {
    if (err instanceof AppError && err.code === "bad_request") return <Bad message={err.message} />;
    throw err;
  }
  const [page, total, types] = data;
  const q = (cursor?: string) =>
    `/tasks${toQueryString({ status: p.status?.join(","), task_type: p.task_type, job_id: p.job_id, stuck: p.stuck ? "true" : undefined, limit: p.limit === 50 ? undefined : p.limit, cursor })}`;
  const exportQs = (format: string) =>
    toQueryString({
      status: p.status?.join(","),
      task_type: p.task_type,
      job_id: p.job_id,
      stuck: p.stuck ? "true" : undefined,
      format,
    });
  const filtered = !!(p.status || p.task_type || p.job_id || p.stuck);

  return (
    <>
      <PageHeader title="Tasks" />
      <form
        method="get"
        action="/tasks"
        className="mb-4 flex flex-wrap items-end gap-4 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
        aria-label="Task filters"
      >
        <fieldset className="flex flex-wrap items-center gap-3">
          <legend className="mb-1 text-sm font-medium">Status</legend>
          {TASK_STATUSES.map((s) => (
            <label key={s} className="flex items-center gap-1.5 text-sm">
              <input type="checkbox" name="status" value={s} defaultChecked={p.status?.includes(s)} />
              {s}
            </label>
          ))}
        </fieldset>
        <label className="flex items-center gap-1.5 text-sm">
          <input type="checkbox" name="stuck" value="true" defaultChecked={p.stuck} />
          stuck only (processing, heartbeat older than {page.stuck_threshold_minutes} min)
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Task type
          <select name="task_type" defaultValue={p.task_type ?? ""} className={input}>
            <option value="">All types</option>
            {types.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Job id
          <input
            name="job_id"
            defaultValue={p.job_id ?? ""}
            className={`${input} w-56 font-mono`}
            spellCheck={false}
            autoComplete="off"
          />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Page size
          <select
            name="limit"
            defaultValue={String((PAGE_SIZES as readonly number[]).includes(p.limit) ? p.limit : 50)}
            className={input}
          >
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <button
          type="submit"
          className="rounded bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-400"
        >
          Apply
        </button>
        {filtered ? (
          <Link href="/tasks" className="text-sm text-sky-700 underline dark:text-sky-400">
            Clear
          </Link>
        ) : null}
        <Link href="/tasks?status=failed" className="text-sm text-sky-700 underline dark:text-sky-400">
          Failed
        </Link>
        <Link href="/tasks?stuck=true" className="text-sm text-sky-700 underline dark:text-sky-400">
          Stuck
        </Link>
      </form>
      <div className="mb-2 flex flex-wrap items-center justify-between gap-3 text-sm">
        <p className="text-slate-600 dark:text-slate-400" data-testid="tasks-total">
          {formatCount(total.value, total.exact)} {total.value === 1 ? "task" : "tasks"}
          {filtered ? " match" : ""}
        </p>
        <span>
          Export:{" "}
          <a className="text-sky-700 underline dark:text-sky-400" href={`/api/export/tasks${exportQs("csv")}`} download>
            CSV
          </a>{" "}
          ·{" "}
          <a
            className="text-sky-700 underline dark:text-sky-400"
            href={`/api/export/tasks${exportQs("json")}`}
            download
          >
            JSON
          </a>{" "}
          <span className="text-xs text-slate-600 dark:text-slate-400">(this filter, first 50,000 rows)</span>
        </span>
      </div>
      {page.tasks.length === 0 ? (
        <Notice title={p.cursor ? "No more tasks" : "No tasks match these filters"}>
          <p>
            {p.stuck ? "Nothing is stuck right now. " : ""}
            <Link href={p.cursor ? q() : "/tasks"} className="text-sky-700 underline dark:text-sky-400">
              {p.cursor ? "Go to the first page" : "Show all tasks"}
            </Link>
          </p>
        </Notice>
      ) : (
        <TaskTable tasks={page.tasks} showJob stuckMinutes={page.stuck_threshold_minutes} />
      )}
      <Pager
        summary={page.tasks.length ? `${page.tasks.length} on this page` : undefined}
        firstHref={p.cursor ? q() : null}
        prevHref={page.prev_cursor ? q(page.prev_cursor) : null}
        nextHref={page.next_cursor ? q(page.next_cursor) : null}
      />
    </>
  );
}

function Bad({ message }: { message: string }) {
  return (
    <>
      <PageHeader title="Tasks" />
      <Notice title="This link's filter is not valid" tone="error">
        <p>{message}</p>
        <p className="mt-2">
          <Link href="/tasks" className="text-sky-700 underline dark:text-sky-400">
            Show all tasks
          </Link>
        </p>
      </Notice>
    </>
  );
}
