import { toQueryString } from "@/lib/db/jobs-params";

/**
 * The /audit view as URL state, shared by the page (server) and its filter form (client):
 * what is in the address bar is the whole view, so a link reproduces it.
 */
export interface AuditUrlFilters {
  actor?: string;
  action?: string;
  outcome?: string[];
  /** A preset (1h, 24h, 7d, 30d); absent = all time or a custom since/until. */
  window?: string;
  since?: string;
  until?: string;
}

/** The query string for filters (+ a page position or format), in a stable order; a preset window wins over since/until. */
export function auditQuery(f: AuditUrlFilters, extra: Record<string, string | undefined> = {}): string {
  return toQueryString({
    actor: f.actor,
    action: f.action,
    outcome: f.outcome?.length ? f.outcome.join(",") : undefined,
    window: f.window,
    since: f.window ? undefined : f.since,
    until: f.window ? undefined : f.until,
    ...extra,
  });
}
