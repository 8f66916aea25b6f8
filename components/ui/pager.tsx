import Link from "next/link";

/**
 * Keyset paging links: first page, newer (prev_cursor), older (next_cursor). They are real links,
 * so the position lives in the URL and Back/Forward work.
 */
export function Pager({
  firstHref,
  prevHref,
  nextHref,
  summary,
  prevLabel = "← Newer",
  nextLabel = "Older →",
}: {
  firstHref: string | null;
  prevHref: string | null;
  nextHref: string | null;
  summary?: React.ReactNode;
  prevLabel?: string;
  nextLabel?: string;
}) {
  const cls =
    "rounded border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:border-slate-700 dark:hover:bg-slate-800";
  const off =
    "rounded border border-slate-200 px-3 py-1 text-sm text-slate-400 dark:border-slate-800 dark:text-slate-600";
  return (
    <nav aria-label="Pagination" className="mt-4 flex flex-wrap items-center justify-between gap-3">
      <div className="text-sm text-slate-600 dark:text-slate-400">{summary}</div>
      <div className="flex gap-2">
        {firstHref ? (
          <Link className={cls} href={firstHref} scroll={false}>
            First page
          </Link>
        ) : null}
        {prevHref ? (
          <Link className={cls} href={prevHref} scroll={false} rel="prev">
            {prevLabel}
          </Link>
        ) : (
          <span className={off} aria-disabled="true">
            {prevLabel}
          </span>
        )}
        {nextHref ? (
          <Link className={cls} href={nextHref} scroll={false} rel="next">
            {nextLabel}
          </Link>
        ) : (
          <span className={off} aria-disabled="true">
            {nextLabel}
          </span>
        )}
      </div>
    </nav>
  );
}

/** The Pager of a keyset page: `href(cursor)` links to a position (null = the first page). */
export function KeysetPager({
  rows,
  cursor,
  page,
  href,
  ...labels
}: {
  rows: number;
  /** The current position (none on the first page). */
  cursor: string | null | undefined;
  page: { next_cursor: string | null; prev_cursor: string | null };
  href: (cursor: string | null) => string;
  prevLabel?: string;
  nextLabel?: string;
}) {
  return (
    <Pager
      summary={rows ? `${rows.toLocaleString("en-US")} on this page` : undefined}
      firstHref={cursor ? href(null) : null}
      prevHref={page.prev_cursor ? href(page.prev_cursor) : null}
      nextHref={page.next_cursor ? href(page.next_cursor) : null}
      {...labels}
    />
  );
}
