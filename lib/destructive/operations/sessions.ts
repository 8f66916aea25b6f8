import "server-only";
import { z } from "zod";
import { AppError } from "../../api/errors";
import { getConfig } from "../../config";
import { endRefusal, signalRights, type EndKind } from "../../db/sessions";
import type { Operation, Querier, Step } from "../types";

/**
 * Cancel a backend's running query (pg_cancel_backend) or terminate the backend
 * (pg_terminate_backend), from the health page or POST /api/dbadmin/health/cancel|terminate?pid=N.
 * The plan refuses what the console must never end (lib/db/sessions.ts: its own connections, a
 * superuser's session it cannot end, other databases, non-client processes) and a pid that is not
 * there (404). Its fingerprint holds the pid and the backend's start (and, for a cancel, the
 * query's start), so a pid that was recycled, or a query that finished and another that began, is
 * "changed since you looked" (409) instead of the wrong session or query ended.
 *
 * Scope "target": several can run at once (each takes a few seconds at most), never during a
 * schema-destroying ("global") maintenance operation.
 */
export const CANCEL_ACTION = "health.cancel";
export const TERMINATE_ACTION = "health.terminate";
/** How long the step waits to see the query (or the session) actually end. */
const SETTLE_MS = 2_000;

const Input = z.object({
  pid: z
    .string({ message: "required: the backend's process id (a positive integer)" })
    .regex(/^\d{1,10}$/, "expected a process id (a positive integer)")
    .transform(Number)
    .refine((n) => n >= 1 && n <= 2_147_483_647, "expected a process id (a positive integer)"),
});
type Input = z.infer<typeof Input>;

interface Session {
  pid: number;
  database: string | null;
  user: string | null;
  application: string | null;
  backend_type: string | null;
  state: string | null;
  client: string | null;
  backend_start: string | null;
  query_start: string | null;
  query_seconds: number | null;
  xact_seconds: number | null;
  query: string | null;
  superuser: boolean;
  self: boolean;
}

interface Data {
  session: Session;
}

export interface EndSessionResult {
  success: true;
  action: EndKind;
  pid: number;
  signalled: boolean;
  /** The query (cancel) or the session (terminate) was seen to end within a few seconds. */
  ended: boolean;
  message: string;
}

const SESSION_SQL = `
  SELECT a.pid, a.datname AS database, a.usename AS "user", a.application_name AS application, a.backend_type, a.state,
         coalesce(host(a.client_addr), CASE WHEN a.client_port = -1 THEN 'local socket' END) AS client,
         to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS backend_start,
         to_char(a.query_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS query_start,
         extract(epoch FROM now() - a.query_start)::float8 AS query_seconds,
         extract(epoch FROM now() - a.xact_start)::float8 AS xact_seconds,
         left(a.query, 300) AS query,
         coalesce(r.rolsuper, false) AS superuser, a.pid = pg_backend_pid() AS self
    FROM pg_catalog.pg_stat_activity a LEFT JOIN pg_catalog.pg_roles r ON r.oid = a.usesysid
   WHERE a.pid = $1`;

/** 75 → "1 min 15 s" (the plan's sentences; the UI has its own formatter). */
function formatDuration(seconds: number): string {
  const t = Math.max(0, Math.round(seconds));
  if (t < 60) return `${t} s`;
  if (t < 3600) return `${Math.floor(t / 60)} min ${t % 60} s`;
  return `${Math.floor(t / 3600)} h ${Math.floor((t % 3600) / 60)} min`;
}

const describe = (s: Session) =>
  [
    `user ${s.user ?? "unknown"}`,
    s.application ? `application ${s.application}` : null,
    s.client ? `from ${s.client}` : null,
  ]
    .filter(Boolean)
    .join(", ");

function planFor(kind: EndKind) {
  return async (q: Querier, { pid }: Input) => {
    const [s] = await q<Session & Record<string, unknown>>(SESSION_SQL, [pid]);
    if (!s)
      throw new AppError(
        "not_found",
        `No session with pid ${pid} is connected to the server (it may have ended already).`,
        { pid },
      );
    const refusal = endRefusal(s, await signalRights(q, getConfig().admin.user), kind);
    if (refusal) throw new AppError("conflict", refusal, { reason: "not_endable", pid });
    const query = (s.query ?? "").replace(/\s+/g, " ").trim();
    const running =
      s.state === "active" && s.query_seconds !== null
        ? `running for ${formatDuration(s.query_seconds)}`
        : `state ${s.state ?? "unknown"}`;
    // Items are fingerprinted: nothing in them may change while the session stays the same (durations go in the summary).
    const items =
      kind === "cancel"
        ? [{ kind: "query", name: query.slice(0, 200) || "(no query text)", detail: `pid ${pid}, ${describe(s)}` }]
        : [{ kind: "session", name: `pid ${pid}`, detail: describe(s) }];
    return {
      target: `pid ${pid}`,
      summary:
        kind === "cancel"
          ? `Cancel the query pid ${pid} is running (${describe(s)}, ${running}).`
          : `Terminate the session pid ${pid} (${describe(s)}; ${running}${s.xact_seconds !== null ? `, transaction open for ${formatDuration(s.xact_seconds)}` : ""}): its connection is closed.${query ? ` Its ${s.state === "active" ? "current" : "last"} query: ${query.slice(0, 200)}` : ""}`,
      items,
      dependents: [],
      warnings:
        kind === "cancel"
          ? ["Only the running statement stops; if it was inside a transaction, the client must still roll it back."]
          : ["Its open transaction is rolled back and its connection closed; the client has to reconnect."],
      confirmText: kind === "cancel" ? String(pid) : `terminate ${pid}`,
      // A recycled pid is another session (backend_start); for a cancel, another query of the same
      // session is another target too (query_start). A terminate ends the session whatever it runs
      // now: a busy session's next query must not make its plan stale.
      state:
        kind === "cancel"
          ? { pid, backend_start: s.backend_start, query_start: s.query_start }
          : { pid, backend_start: s.backend_start },
      data: { session: s } satisfies Data,
    };
  };
}

/** After the signal: has the query (cancel) or the session (terminate) gone? Polls pg_stat_activity for a moment. */
async function settle(client: Parameters<Step<Data>["run"]>[0], kind: EndKind, s: Session): Promise<boolean> {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    // Inside the run's transaction pg_stat_activity is a snapshot: take a fresh one each time.
    await client.query("SELECT pg_stat_clear_snapshot()");
    const r = await client.query<{ state: string | null; query_start: string | null; backend_start: string | null }>(
      `SELECT state, to_char(query_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS query_start,
              to_char(backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS backend_start
         FROM pg_catalog.pg_stat_activity WHERE pid = $1`,
      [s.pid],
    );
    const now = r.rows[0];
    const gone = !now || now.backend_start !== s.backend_start;
    if (gone || (kind === "cancel" && (now.state !== "active" || now.query_start !== s.query_start))) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((res) => setTimeout(res, 100));
  }
}

function stepsFor(kind: EndKind): Step<Data>[] {
  return [
    {
      label:
        kind === "cancel" ? "Cancel the query (pg_cancel_backend)" : "Terminate the session (pg_terminate_backend)",
      async run(client, { data }, state) {
        const fn = kind === "cancel" ? "pg_cancel_backend" : "pg_terminate_backend";
        let ok: boolean;
        try {
          ok = (await client.query<{ ok: boolean }>(`SELECT ${fn}($1::int) AS ok`, [data.session.pid])).rows[0].ok;
        } catch (err) {
          if ((err as { code?: string }).code === "42501") {
            throw new AppError(
              "conflict",
              `PostgreSQL refused to signal pid ${data.session.pid}: the console's admin role may not end this session.`,
              { reason: "permission_denied", sqlstate: "42501" },
            );
          }
          throw err;
        }
        if (!ok)
          throw new AppError("not_found", `pid ${data.session.pid} ended before it could be signalled.`, {
            pid: data.session.pid,
          });
        state.out.signalled = true;
        state.out.ended = await settle(client, kind, data.session);
      },
    },
  ];
}

function resultFor(kind: EndKind) {
  return (plan: { data: Data }, state: { out: Record<string, unknown> }): EndSessionResult => {
    const pid = plan.data.session.pid;
    const ended = !!state.out.ended;
    return {
      success: true,
      action: kind,
      pid,
      signalled: !!state.out.signalled,
      ended,
      message:
        kind === "cancel"
          ? ended
            ? `The query on pid ${pid} was cancelled.`
            : `Cancel sent to pid ${pid}; the query was still running ${SETTLE_MS / 1000} s later (it may be in a step that cannot be interrupted). Look again, or terminate the session.`
          : ended
            ? `The session pid ${pid} was terminated.`
            : `Terminate sent to pid ${pid}; the session was still there ${SETTLE_MS / 1000} s later. Look again in a moment.`,
    };
  };
}

export const cancelQueryOperation: Operation<Input, Data, EndSessionResult> = {
  action: CANCEL_ACTION,
  title: "Cancel a running query",
  input: Input,
  scope: "target",
  transaction: "single",
  statementTimeoutMs: 10_000,
  plan: planFor("cancel"),
  steps: () => stepsFor("cancel"),
  result: resultFor("cancel"),
};

export const terminateSessionOperation: Operation<Input, Data, EndSessionResult> = {
  action: TERMINATE_ACTION,
  title: "Terminate a session",
  input: Input,
  scope: "target",
  transaction: "single",
  statementTimeoutMs: 10_000,
  plan: planFor("terminate"),
  steps: () => stepsFor("terminate"),
  result: resultFor("terminate"),
};
