import { toQueryString, type JobListParams } from "@/lib/db/jobs-params";

/**
 * The /jobs view as URL state: what is in the address bar is the whole view (filters, sort,
 * page size, page position), so a link reproduces it and Back/Forward walk through it.
 */
export interface JobsUrlState {
  status?: string[];
  job_type?: string;
  hours?: number;
  since?: string;
  until?: string;
  q?: string;
  sort: "created" | "updated";
  limit: number;
  cursor?: string;
}

export const DEFAULT_PAGE_SIZE = 25;

export function stateFromParams(p: JobListParams): JobsUrlState {
  return {
    status: p.status,
    job_type: p.job_type,
    hours: p.hours,
    since: p.hours === undefined ? p.since?.toISOString() : undefined,
    until: p.hours === undefined ? p.until?.toISOString() : undefined,
    q: p.q,
    sort: p.sort,
    limit: p.limit,
    cursor: p.cursor,
  };
}

/** Query string of the page URL (defaults left out, so the plain view is just /jobs). */
export function pageQuery(s: JobsUrlState, overrides: Partial<JobsUrlState> = {}): string {
  const v = { ...s, ...overrides };
  return toQueryString({
    status: v.status?.join(","),
    job_type: v.job_type,
    hours: v.hours,
    since: v.since,
    until: v.until,
    q: v.q,
    sort: v.sort === "created" ? undefined : v.sort,
    limit: v.limit === DEFAULT_PAGE_SIZE ? undefined : v.limit,
    cursor: v.cursor,
  });
}

/** Same view for the JSON API (always explicit limit; the total asked for on every page). */
export function apiQuery(s: JobsUrlState): string {
  return toQueryString({
    status: s.status?.join(","),
    job_type: s.job_type,
    hours: s.hours,
    since: s.since,
    until: s.until,
    q: s.q,
    sort: s.sort,
    limit: s.limit,
    cursor: s.cursor,
    total: "true",
  });
}

/** The current filter (no page position) for the export endpoints. */
export function exportQuery(s: JobsUrlState, format: "csv" | "json"): string {
  return toQueryString({
    ...Object.fromEntries(new URLSearchParams(pageQuery(s, { cursor: undefined, limit: DEFAULT_PAGE_SIZE }))),
    sort: s.sort,
    format,
  });
}
