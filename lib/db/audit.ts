import "server-only";
import type { ClientBase } from "pg";
import { adminPool, readQuery } from "./pool";

/**
 * console.audit_log: one row per attempted mutation, whatever its outcome (success, failure,
 * denied). Generic: any module records its own action names ("geo.unpublish", ...).
 */
export type AuditOutcome = "success" | "failure" | "denied";

export interface AuditEntry {
  actor: string;
  role: string;
  action: string;
  target?: string | null;
  outcome: AuditOutcome;
  details?: Record<string, unknown>;
  warnings?: string[];
}

export interface AuditRow {
  id: string;
  at: string;
  actor: string;
  actor_role: string;
  action: string;
  target: string | null;
  outcome: AuditOutcome;
  details: Record<string, unknown>;
  warnings: string[];
}

/** Who, as the audit log names them: "Name (id)" and the role they acted with. */
export function auditActor(u: { id: string; name?: string; role: string | null }): { actor: string; role: string } {
  return { actor: u.name && u.name !== u.id ? `${u.name} (${u.id})` : u.id, role: u.role ?? "none" };
}

const INSERT = `INSERT INTO console.audit_log (actor, actor_role, action, target, outcome, details, warnings)
                VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb) RETURNING id::text`;

/**
 * Writes one audit row. Pass `client` to write inside a caller's transaction (the row then
 * commits or rolls back with the change it describes); otherwise it uses the admin pool.
 */
export async function writeAudit(entry: AuditEntry, client?: ClientBase): Promise<string> {
  const params = [
    auditText(entry.actor, 256),
    auditText(entry.role, 32),
    auditText(entry.action, 64),
    entry.target == null ? null : auditText(entry.target, 256),
    entry.outcome,
    JSON.stringify(entry.details ?? {}, (_k, v) => (typeof v === "string" ? auditText(v, 2000) : v)),
    JSON.stringify((entry.warnings ?? []).map((w) => auditText(w, 2000))),
  ];
  const res = await (client ?? adminPool()).query<{ id: string }>(INSERT, params);
  return res.rows[0].id;
}

/**
 * Whatever a caller sent must still be recordable: PostgreSQL text and jsonb refuse NUL, so
 * NULs become U+FFFD, and long values are cut. An attempt is never left unaudited for its input.
 */
export function auditText(v: string, max: number): string {
  const clean = v.replace(/\u0000/g, "\ufffd");
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** Like writeAudit, but never throws: for the denied/failure paths where the original error must win. */
export async function tryWriteAudit(entry: AuditEntry): Promise<void> {
  try {
    await writeAudit(entry);
  } catch (err) {
    console.error(JSON.stringify({ level: "error", msg: "audit write failed", action: entry.action, target: entry.target, error: (err as Error).message }));
  }
}

export interface AuditPage {
  rows: AuditRow[];
  /** Pass as `before` to get the next (older) page; null on the last page. */
  nextBefore: string | null;
}

/** Newest first, keyset-paged on id (ids only grow). */
export async function listAudit(opts: { before?: string | null; limit?: number; action?: string | null; target?: string | null } = {}): Promise<AuditPage> {
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 200);
  const rows = await readQuery<AuditRow>(
    `SELECT a.id::text AS id, a.at, a.actor, a.actor_role, a.action, a.target, a.outcome, a.details, a.warnings
       FROM console.audit_log a
      WHERE ($1::bigint IS NULL OR a.id < $1::bigint)
        AND ($2::text IS NULL OR a.action = $2)
        AND ($3::text IS NULL OR a.target = $3)
      ORDER BY a.id DESC
      LIMIT $4`,
    [opts.before ?? null, opts.action ?? null, opts.target ?? null, limit + 1],
  );
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return {
    rows: page.map((r) => ({ ...r, at: new Date(r.at).toISOString() })),
    nextBefore: more ? page[page.length - 1].id : null,
  };
}
