import Link from "next/link";
import { TaskFilters } from "@/components/tasks/task-filters";
import { TaskTable } from "@/components/tasks/task-table";
import { InvalidLinkNotice } from "@/components/ui/invalid-link-notice";
import { LiveRefresh } from "@/components/ui/live-refresh";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import { KeysetPager } from "@/components/ui/pager";
import { requirePageRole } from "@/lib/auth/page";
import { countTasks, listTaskTypes, listTasks, taskFilterFromParams } from "@/lib/db/tasks";
import { formatCount } from "@/lib/format";
import { loadForUrlState } from "@/lib/url-state/load";
import { readUrlState } from "@/lib/url-state/parsers";
import { tasksHref, tasksUrl } from "@/lib/url-state/tasks";
import type { Metadata } from "next";

export const metadata: Metadata = { title: "Tasks" };

export const dynamic = "force-dynamic";

type SP = Promise<Record<string, string | string[] | undefined>>;

/** Tasks across jobs, keyset-paged; the view lives in the URL (lib/url-state/tasks). */
export default async function TasksPage({ searchParams }: { searchParams: SP }) {
  await requirePageRole("reader");
  const { data, state } = await loadForUrlState(readUrlState(tasksUrl, await searchParams), (v) => {
    const filter = taskFilterFromParams(v);
    return Promise.all([listTasks(filter), countTasks(filter), listTaskTypes()]);
  });
  const [page, total, types] = data;
  const p = state.values;
  const q = (cursor: string | null) => tasksHref("/tasks", { ...p, cursor });
  const exportHref = (format: string) =>
    tasksHref(`/api/export/tasks?format=${format}`, { ...p, cursor: null, limit: null });
  const filtered = !!(p.status || p.task_type || p.job_id || p.stuck);

  return (
    <>
      <PageHeader title="Tasks">
        <LiveRefresh storageKey="geoetl.refresh.tasks" />
      </PageHeader>
      <InvalidLinkNotice invalid={state.invalid} clearHref="/tasks" />
      <TaskFilters key={q(null)} taskTypes={types} stuckMinutes={page.stuck_threshold_minutes} />
      <div className="mb-2 flex flex-wrap items-center justify-between gap-3 text-sm">
        <p className="text-slate-600 dark:text-slate-400" data-testid="tasks-total">
          {formatCount(total.value, total.exact)} {total.value === 1 ? "task" : "tasks"}
          {filtered ? " match" : ""}
        </p>
        <span>
          Export:{" "}
          <a className="text-sky-700 underline dark:text-sky-400" href={exportHref("csv")} download>
            CSV
          </a>{" "}
          ·{" "}
          <a className="text-sky-700 underline dark:text-sky-400" href={exportHref("json")} download>
            JSON
          </a>{" "}
          <span className="text-xs text-slate-600 dark:text-slate-400">(this filter, first 50,000 rows)</span>
        </span>
      </div>
      {page.tasks.length === 0 ? (
        <Notice title={p.cursor ? "No more tasks" : "No tasks match these filters"}>
          <p>
            {p.stuck ? "Nothing is stuck right now. " : ""}
            <Link href={p.cursor ? q(null) : "/tasks"} className="text-sky-700 underline dark:text-sky-400">
              {p.cursor ? "Go to the first page" : "Show all tasks"}
            </Link>
          </p>
        </Notice>
      ) : (
        <TaskTable tasks={page.tasks} showJob stuckMinutes={page.stuck_threshold_minutes} />
      )}
      <KeysetPager rows={page.tasks.length} cursor={p.cursor} page={page} href={q} />
    </>
  );
}
