import "server-only";
import { APPLICATION_NAME_PREFIX } from "./pool";

/**
 * Which database sessions the console may offer to cancel or terminate, and why not: the same rules
 * for the health page's buttons and for the cancel/terminate plans (lib/destructive/operations/sessions.ts).
 * PostgreSQL's own rules (pg_signal_backend): a superuser may signal any backend; a member of
 * pg_signal_backend any non-superuser backend; anyone the backends of their own role.
 */
export type EndKind = "cancel" | "terminate";

export interface SessionFacts {
  pid: number;
  database: string | null;
  user: string | null;
  application: string | null;
  backend_type: string | null;
  /** null when the reader role may not see it (no pg_read_all_stats). */
  state: string | null;
  superuser: boolean;
  /** The backend running this very query. */
  self: boolean;
}

/** What the console's admin role (the one that runs pg_cancel_backend) may signal. */
export interface SignalRights {
  adminRole: string;
  superuser: boolean;
  signalBackend: boolean;
  database: string;
}

/** The console's own connections: every pool, every instance (application_name geoetl-admin-console:*). */
export const isConsoleApplication = (app: string | null | undefined) =>
  !!app && app.startsWith(APPLICATION_NAME_PREFIX);

/** Why the console will not cancel / terminate this session, in a sentence a person understands; null = it may. */
export function endRefusal(s: SessionFacts, rights: SignalRights, kind: EndKind): string | null {
  if (s.self)
    return `pid ${s.pid} is the connection the console is using to look at it; the console never ends its own connections.`;
  if (isConsoleApplication(s.application)) {
    return `pid ${s.pid} is one of this console's own connections (${s.application}); the console never ends its own connections.`;
  }
  if (s.backend_type && s.backend_type !== "client backend") {
    return `pid ${s.pid} is not a client session but a PostgreSQL ${s.backend_type} process; the console only ends client sessions.`;
  }
  if (s.database && s.database !== rights.database) {
    return `pid ${s.pid} is connected to database ${s.database}, not to this console's database (${rights.database}).`;
  }
  if (s.superuser && !rights.superuser) {
    return `pid ${s.pid} is a superuser's session (${s.user ?? "unknown user"}); the console's admin role ${rights.adminRole} is not a superuser, so PostgreSQL would refuse to end it.`;
  }
  if (!rights.superuser && !rights.signalBackend && s.user !== rights.adminRole) {
    return `The console's admin role ${rights.adminRole} may not end other roles' sessions: grant it pg_signal_backend (GRANT pg_signal_backend TO ${rights.adminRole}).`;
  }
  if (kind === "cancel" && s.state !== null && s.state !== "active") {
    return `pid ${s.pid} is not running a query (state: ${s.state}), so there is nothing to cancel; terminate the session instead.`;
  }
  return null;
}

type Q = <T extends Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

/** The admin role's rights, looked up by name (the plan may run on the reader's connection). */
export async function signalRights(q: Q, adminRole: string): Promise<SignalRights> {
  const [r] = await q<{ superuser: boolean | null; signal_backend: boolean | null; database: string }>(
    `SELECT r.rolsuper AS superuser, pg_has_role(r.oid, 'pg_signal_backend', 'USAGE') AS signal_backend, current_database() AS database
       FROM (SELECT current_database()) d LEFT JOIN pg_catalog.pg_roles r ON r.rolname = $1`,
    [adminRole],
  );
  return { adminRole, superuser: !!r?.superuser, signalBackend: !!r?.signal_backend, database: r?.database ?? "" };
}
