import Link from "next/link";

/** The two views of /activity, as links (each keeps its own URL state). */
export function ActivityTabs({ current }: { current: "requests" | "janitor" }) {
  const tab = (active: boolean) =>
    `rounded-t px-3 py-1.5 text-sm ${active ? "border border-b-0 border-slate-300 bg-white font-medium dark:border-slate-700 dark:bg-slate-900" : "text-sky-700 underline dark:text-sky-400"}`;
  return (
    <nav aria-label="Activity views" className="mb-4 flex gap-1 border-b border-slate-300 dark:border-slate-700">
      <Link
        href="/activity"
        className={tab(current === "requests")}
        aria-current={current === "requests" ? "page" : undefined}
      >
        API requests
      </Link>
      <Link
        href="/activity/janitor"
        className={tab(current === "janitor")}
        aria-current={current === "janitor" ? "page" : undefined}
      >
        Janitor runs
      </Link>
    </nav>
  );
}
