import "server-only";
import type { ClientBase } from "pg";
import {
  AUDIT_DEFAULT_LIMIT,
  AUDIT_MAX_LIMIT,
  AUDIT_OUTCOMES,
  AUDIT_WINDOWS,
  type AuditListParams,
  type AuditOutcome,
} from "./audit-params";
import { SqlParams } from "./keyset";
import { likePrefix } from "./like";
import { adminPool, readQuery } from "./pool";
import { log } from "../log";
import { isoTime } from "./timestamps";

/**
 * console.audit_log: one row per attempted mutation, whatever its outcome. Append-only (a trigger
 * refuses UPDATE, DELETE and TRUNCATE). Success rows are written inside the operation's
 * transaction (they commit with the change); failed, refused and conflict rows after the rollback.
 * Anonymous callers are never written here (lib/auth: their refusals are log lines).
 */

export interface AuditActor {
  oid: string;
  name: string;
  username?: string | null;
  role: string;
}

export interface AuditEntry {
  actor: AuditActor;
  action: string;
  target?: string | null;
  /** What the caller asked for (validated or raw: anything is recordable). */
  parameters?: Record<string, unknown>;
  /** The plan's fingerprint the operation was bound to. */
  fingerprint?: string | null;
  outcome: AuditOutcome;
  warnings?: string[];
  /** A fixed phrase (never raw driver text) and the SQLSTATE when there is one. */
  error?: { message: string; code?: string; sqlstate?: string } | null;
  /** What happened: the result (what was deleted, counts, steps). */
  details?: Record<string, unknown>;
  durationMs?: number | null;
  requestId?: string | null;
  clientAddress?: string | null;
}

export interface AuditRow {
  id: string;
  at: string;
  actor: string;
  actor_oid: string | null;
  actor_name: string | null;
  actor_username: string | null;
  actor_role: string;
  action: string;
  target: string | null;
  parameters: Record<string, unknown>;
  fingerprint: string | null;
  outcome: AuditOutcome;
  warnings: string[];
  error: { message: string; code?: string; sqlstate?: string } | null;
  details: Record<string, unknown>;
  duration_ms: number | null;
  request_id: string | null;
  client_address: string | null;
}

/** Who, as the audit log names them. */
export function auditActor(u: { id: string; name?: string; username?: string; role: string | null }): AuditActor {
  return { oid: u.id, name: u.name ?? u.id, username: u.username ?? null, role: u.role ?? "none" };
}

const INSERT = `INSERT INTO console.audit_log
  (actor, actor_oid, actor_name, actor_username, actor_role, action, target, parameters, fingerprint,
   outcome, warnings, error, details, duration_ms, request_id, client_address)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11::jsonb, $12::jsonb, $13::jsonb, $14, $15, $16)
  RETURNING id::text`;

const jsonText = (v: unknown) =>
  JSON.stringify(v, (_k, x) => (typeof x === "string" ? auditText(x, 2000) : typeof x === "bigint" ? x.toString() : x));
const optText = (v: string | null | undefined, max: number) => (v == null ? null : auditText(v, max));

/**
 * Writes one audit row. Pass `client` to write inside a caller's transaction (the row then
 * commits or rolls back with the change it describes); otherwise it uses the admin pool.
 */
export async function writeAudit(entry: AuditEntry, client?: ClientBase): Promise<string> {
  const a = entry.actor;
  const display = a.name && a.name !== a.oid ? `${a.name} (${a.oid})` : a.oid;
  const params = [
    auditText(display, 256),
    optText(a.oid, 128),
    optText(a.name, 256),
    optText(a.username, 256),
    auditText(a.role, 32),
    auditText(entry.action, 64),
    optText(entry.target, 256),
    jsonText(entry.parameters ?? {}),
    optText(entry.fingerprint, 128),
    entry.outcome,
    jsonText((entry.warnings ?? []).map((w) => auditText(w, 2000))),
    entry.error ? jsonText(entry.error) : null,
    jsonText(entry.details ?? {}),
    entry.durationMs == null ? null : Math.min(Math.round(entry.durationMs), 2_147_483_647),
    optText(entry.requestId, 128),
    optText(entry.clientAddress, 128),
  ];
  const res = await (client ?? adminPool()).query<{ id: string }>(INSERT, params);
  return res.rows[0].id;
}

/**
 * Whatever a caller sent must still be recordable: PostgreSQL text and jsonb refuse NUL, so
 * NULs become U+FFFD, and long values are cut. An attempt is never left unaudited for its input.
 */
export function auditText(v: string, max: number): string {
  return cutText(v.replace(/\u0000/g, "\ufffd"), max);
}

// A UTF-16 half of a character with no other half: JSON.stringify writes it as "\ud83d", which jsonb refuses.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * `v` at most `max` UTF-16 units, "…" when cut, never cutting a character in two, and with any
 * lone surrogate the caller sent replaced by U+FFFD: what PostgreSQL text and jsonb accept.
 */
export function cutText(v: string, max: number): string {
  const clean = v.replace(LONE_SURROGATE, "\ufffd");
  if (clean.length <= max) return clean;
  let end = max - 1;
  if (/[\ud800-\udbff]/.test(clean[end - 1] ?? "")) end--; // do not keep half of a pair
  return `${clean.slice(0, end)}…`;
}

/**
 * Like writeAudit, but never throws: for the refusal and failure paths, where the original error
 * must win. Whatever in the caller's input made the row unwritable, the attempt is still recorded:
 * the same row again without the parts that came from the request. Returns the row's id or null.
 */
export async function tryWriteAudit(entry: AuditEntry): Promise<string | null> {
  try {
    return await writeAudit(entry);
  } catch (err) {
    log.error("audit write failed", { action: entry.action, target: entry.target, error: (err as Error).message });
    try {
      return await writeAudit({
        ...entry,
        target: null,
        parameters: { _unrecordable: "the request's parameters could not be stored" },
        details: {},
        warnings: [],
      });
    } catch (again) {
      log.error("audit write failed twice", { action: entry.action, error: (again as Error).message });
      return null;
    }
  }
}

// ---------------------------------------------------------------- the list (page, API, export)

/** What listAudit filters on. Every value reaches SQL as a parameter. */
export interface AuditFilter {
  /** actor_oid exactly, or the start of actor_name / actor_username (case-insensitive). */
  actor?: string | null;
  /** An action exactly ("geo.unpublish"), or every action starting with it when it ends in "." or "*" ("maintenance."). */
  action?: string | null;
  target?: string | null;
  /** One or several outcomes; none (or all four) = any outcome. */
  outcomes?: readonly AuditOutcome[] | null;
  /** `at >= since` */
  since?: Date | null;
  /** `at < until` */
  until?: Date | null;
  /** Keyset cursor: only rows with a smaller id (the `nextBefore` of the previous page). */
  before?: string | null;
  /** 1..200, default 50. */
  limit?: number;
}

export interface AuditPage {
  rows: AuditRow[];
  /** Pass as `before` to get the next (older) page; null on the last page. */
  nextBefore: string | null;
}

/** "maintenance." / "maintenance*" → a prefix; anything else is an exact action name. */
export function auditActionMatch(action: string): { kind: "exact" | "prefix"; value: string } {
  if (action.endsWith("*")) return { kind: "prefix", value: action.slice(0, -1) };
  if (action.endsWith(".")) return { kind: "prefix", value: action };
  return { kind: "exact", value: action };
}

const AUDIT_COLUMNS = `a.id::text AS id, a.at, a.actor, a.actor_oid, a.actor_name, a.actor_username, a.actor_role, a.action, a.target,
  a.parameters, a.fingerprint, a.outcome, a.warnings, a.error, a.details, a.duration_ms, a.request_id, a.client_address`;

/**
 * Newest first, keyset-paged on id (ids only grow). Several outcomes are read as one
 * (outcome, id) index range each, merged, so a rare outcome never walks past the common ones.
 */
export async function listAudit(f: AuditFilter = {}): Promise<AuditPage> {
  const limit = Math.min(Math.max(Math.trunc(f.limit ?? AUDIT_DEFAULT_LIMIT), 1), AUDIT_MAX_LIMIT);
  const p = new SqlParams();
  const conds: string[] = [];
  if (f.before) conds.push(`a.id < ${p.add(f.before)}::bigint`);
  if (f.action) {
    const m = auditActionMatch(f.action);
    if (m.kind === "exact") conds.push(`a.action = ${p.add(m.value)}`);
    else if (m.value) conds.push(`a.action LIKE ${p.add(likePrefix(m.value))}`);
  }
  if (f.target) conds.push(`a.target = ${p.add(f.target)}`);
  if (f.actor) {
    const prefix = p.add(likePrefix(f.actor));
    conds.push(`(a.actor_oid = ${p.add(f.actor)} OR a.actor_name ILIKE ${prefix} OR a.actor_username ILIKE ${prefix})`);
  }
  if (f.since) conds.push(`a.at >= ${p.add(f.since)}::timestamptz`);
  if (f.until) conds.push(`a.at < ${p.add(f.until)}::timestamptz`);

  const outcomes = [...new Set(f.outcomes ?? [])].filter((o) => (AUDIT_OUTCOMES as readonly string[]).includes(o));
  const take = p.add(limit + 1);
  let sql: string;
  if (outcomes.length === 1) {
    conds.push(`a.outcome = ${p.add(outcomes[0])}`);
    sql = `SELECT ${AUDIT_COLUMNS} FROM console.audit_log a WHERE ${conds.join(" AND ")} ORDER BY a.id DESC LIMIT ${take}`;
  } else if (outcomes.length > 1 && outcomes.length < AUDIT_OUTCOMES.length) {
    const where = ["a.outcome = o.outcome", ...conds].join(" AND ");
    sql = `SELECT x.* FROM unnest(${p.add(outcomes)}::text[]) AS o(outcome)
           CROSS JOIN LATERAL (SELECT ${AUDIT_COLUMNS}, a.id AS sort_id FROM console.audit_log a WHERE ${where} ORDER BY a.id DESC LIMIT ${take}) x
           ORDER BY x.sort_id DESC LIMIT ${take}`;
  } else {
    sql = `SELECT ${AUDIT_COLUMNS} FROM console.audit_log a ${conds.length ? `WHERE ${conds.join(" AND ")}` : ""} ORDER BY a.id DESC LIMIT ${take}`;
  }
  const rows = await readQuery<AuditRow & { at: Date | string; sort_id?: string }>(sql, p.values);
  const more = rows.length > limit;
  const page = (more ? rows.slice(0, limit) : rows).map(({ sort_id: _sortId, ...r }) => ({
    ...r,
    at: isoTime(r.at)!,
  }));
  return { rows: page, nextBefore: more ? page[page.length - 1].id : null };
}

// ---------------------------------------------------------------- request parameters

// ISO-8601 with an explicit offset (Z or ±hh:mm): a bare local time would mean the server's zone.
/** The parameters as a filter: a `window` preset (other than all) is a window ending now and wins over since/until. */
export function auditFilterFromParams(p: AuditListParams, now: Date = new Date()): AuditFilter {
  const preset = AUDIT_WINDOWS.find((w) => w.value === p.window);
  return {
    actor: p.actor ?? null,
    action: p.action ?? null,
    outcomes: p.outcome ?? null,
    since: preset ? new Date(now.getTime() - preset.hours * 3_600_000) : (p.since ?? null),
    until: preset ? null : (p.until ?? null),
    before: p.before ?? null,
    limit: p.limit,
  };
}

/** What a response says it filtered on (filters_applied of the API and the JSON export). */
export function auditFiltersApplied(p: AuditListParams, f: AuditFilter): Record<string, unknown> {
  return {
    ...(f.actor ? { actor: f.actor } : {}),
    ...(f.action ? { action: f.action, action_match: auditActionMatch(f.action).kind } : {}),
    ...(f.outcomes?.length ? { outcome: f.outcomes } : {}),
    ...(p.window && p.window !== "all" ? { window: p.window } : {}),
    ...(f.since ? { since: f.since.toISOString() } : {}),
    ...(f.until ? { until: f.until.toISOString() } : {}),
  };
}
