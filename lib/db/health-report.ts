import "server-only";
import type { Pool } from "pg";
import { AppError, isDatabaseUnavailable } from "../api/errors";
import { getConfig, type DbTarget } from "../config";
import { log } from "../log";
import { quoteIdent } from "./identifiers";
import { HEALTH_LOCK_TIMEOUT_MS, healthPool, pools } from "./pool";
import { endRefusal, signalRights, type SessionFacts, type SignalRights } from "./sessions";

/**
 * The health page and GET /api/dbadmin/health: what the pipeline's runbooks tell an operator to run
 * in psql when the pipeline slows down, in one payload. Every query is read-only (the health pool's
 * sessions refuse writes) and bounded (the health pool's statement_timeout and lock_timeout, a LIMIT
 * on every list), runs on the health pool (never queued behind user queries on the reader pool), one
 * after the other on one connection (the pool's other connection stays free for GET /api/health).
 * Each section fails alone: it then says what it could not read and why (a missing grant, a
 * timeout, a lock), and the rest of the page still answers.
 */

export type Level = "ok" | "warning" | "critical";

export type Section<T> =
  | ({ available: true; level: Level; note?: string } & T)
  | { available: false; level: null; error: string; missing_grant?: string };

/** Whether the console may end a session, and if not, why (for admins' buttons). */
export interface EndAbility {
  cancel: string | null;
  terminate: string | null;
}

export interface LongQuery {
  pid: number;
  database: string | null;
  user: string | null;
  application: string | null;
  client: string | null;
  state: string | null;
  wait_event_type: string | null;
  wait_event: string | null;
  backend_start: string | null;
  xact_start: string | null;
  query_start: string | null;
  /** Query age for running queries, transaction age for sessions idle in a transaction. */
  duration_seconds: number;
  query: string;
  query_truncated: boolean;
  superuser: boolean;
  /** null: the console may; otherwise the reason it will not. */
  refusal: EndAbility;
}

export interface LockWait {
  blocked: {
    pid: number;
    user: string | null;
    application: string | null;
    wait_event: string | null;
    waiting_seconds: number | null;
    query: string;
  };
  blocking: {
    pid: number;
    user: string | null;
    application: string | null;
    state: string | null;
    xact_seconds: number | null;
    query: string;
    refusal: EndAbility;
  };
  lock: { type: string | null; mode: string | null; relation: string | null };
}

export interface TableSize {
  schema: string;
  name: string;
  estimated_rows: number;
  table_bytes: number | null;
  index_bytes: number | null;
  toast_bytes: number | null;
  total_bytes: number | null;
  /** Held (or awaited) in ACCESS EXCLUSIVE mode right now: only the planner's page count is shown. */
  locked: boolean;
}

export interface VacuumRow {
  schema: string;
  name: string;
  live_tuples: number;
  dead_tuples: number;
  dead_ratio: number | null;
  flagged: boolean;
  last_vacuum: string | null;
  last_autovacuum: string | null;
  last_analyze: string | null;
  last_autoanalyze: string | null;
}

export interface SlowQuery {
  query: string;
  user: string | null;
  calls: number;
  total_ms: number;
  mean_ms: number;
  rows: number;
  level: Level;
}

export interface PoolStatus {
  name: "reader" | "admin" | "health";
  total: number;
  idle: number;
  waiting: number;
  max: number;
  /** The reader and admin pools are one when both connections are the same. */
  shared_with?: string;
}

export interface TlsTarget {
  pool: string;
  host: string;
  port: number;
  database: string;
  user: string;
  sslmode: string;
  local: boolean;
  warning: string | null;
}

export interface HealthReport {
  checked_at: string;
  status: Level;
  thresholds: {
    connections_warn_pct: number;
    connections_crit_pct: number;
    long_query_seconds: number;
    dead_tuple_ratio_warn: number;
    cache_hit_warn: number;
    cache_hit_crit: number;
    slow_query_mean_warn_ms: number;
    slow_query_mean_crit_ms: number;
    vacuum_min_rows: number;
  };
  privileges: { role: string; superuser: boolean; read_all_stats: boolean };
  server: Section<{
    version: string;
    version_num: number;
    started_at: string;
    uptime_seconds: number;
    in_recovery: boolean;
    database: string;
    max_connections: number;
    reserved_connections: number;
    /** "pgSTAC 0.9.8", "pgSTAC stand-in" (demo and tests), "no pgSTAC". */
    pgstac: string;
  }>;
  connections: Section<{
    total: number;
    max: number;
    percent: number;
    warn_at: number;
    crit_at: number;
    by_state: { state: string; count: number }[];
    by_application: { application: string; count: number }[];
    by_database: { database: string; count: number }[];
  }>;
  long_queries: Section<{ threshold_seconds: number; total: number; queries: LongQuery[] }>;
  locks: Section<{ waits: LockWait[] }>;
  sizes: Section<{ database_bytes: number; per_schema: number; tables: TableSize[] }>;
  vacuum: Section<{ tables: VacuumRow[]; cache: { tables: number | null; indexes: number | null; level: Level } }>;
  slow_queries: Section<{ enabled: boolean; how_to_enable: string | null; queries: SlowQuery[] }>;
  pools: Section<{
    pools: PoolStatus[];
    budget: {
      max_connections: number;
      server_max_connections: number | null;
      instances: number;
      per_instance: number;
      pool_max: number;
      pool_max_overridden: boolean;
      health_pool_max: number;
    };
  }>;
  tls: Section<{
    targets: TlsTarget[];
    connections: {
      pid: number;
      application: string;
      user: string | null;
      ssl: boolean | null;
      version: string | null;
      cipher: string | null;
      bits: number | null;
    }[];
  }>;
  replication: Section<{
    in_recovery: boolean;
    replay_lag_seconds: number | null;
    replicas: ReplicaRow[];
    slots: SlotRow[];
  }>;
}

export interface ReplicaRow {
  application: string | null;
  client: string | null;
  state: string | null;
  sync_state: string | null;
  write_lag_seconds: number | null;
  flush_lag_seconds: number | null;
  replay_lag_seconds: number | null;
  replay_lag_bytes: number | null;
}

export interface SlotRow {
  name: string;
  type: string;
  active: boolean;
  wal_status: string | null;
  retained_bytes: number | null;
}

/** Fixed thresholds (the configurable ones are in lib/config.ts). The runbook's rule: mean query time > 100 ms warning, > 500 ms critical. */
export const CACHE_HIT_WARN = 0.99;
export const CACHE_HIT_CRIT = 0.9;
export const SLOW_MEAN_WARN_MS = 100;
export const SLOW_MEAN_CRIT_MS = 500;
/** Only statements called this often count toward the section's level (a one-off CREATE INDEX is not "slow"). */
export const SLOW_MIN_CALLS = 10;
/** "Large" tables for vacuum: at least this many live + dead tuples. */
export const VACUUM_MIN_ROWS = 1_000;
const TABLES_PER_SCHEMA = 10;
const QUERY_TEXT_MAX = 4_000;

export type HealthQuerier = <T extends Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

const LEVELS: Level[] = ["ok", "warning", "critical"];
const worst = (...ls: (Level | null | undefined)[]): Level =>
  LEVELS[Math.max(0, ...ls.map((l) => (l ? LEVELS.indexOf(l) : 0)))];
const iso = (d: unknown): string | null => (d instanceof Date ? d.toISOString() : typeof d === "string" ? d : null);
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

const READ_ALL_STATS = "pg_read_all_stats";

function failure(
  label: string,
  err: unknown,
  ctx: { role: string; statementTimeoutMs: number },
): { available: false; level: null; error: string; missing_grant?: string } {
  const code = (err as { code?: unknown })?.code;
  const sqlstate = typeof code === "string" ? code : undefined;
  log.warn("health section failed", { section: label, code: sqlstate, error: (err as Error)?.message ?? String(err) });
  if (sqlstate === "42501") {
    return {
      available: false,
      level: null,
      error: `Could not read ${label}: the console's reader role (${ctx.role}) lacks a privilege. Grant it pg_read_all_stats (or pg_monitor).`,
      missing_grant: READ_ALL_STATS,
    };
  }
  if (sqlstate === "57014")
    return {
      available: false,
      level: null,
      error: `Could not read ${label}: the query took longer than ${ctx.statementTimeoutMs} ms and was cancelled (statement_timeout).`,
    };
  if (sqlstate === "55P03")
    return {
      available: false,
      level: null,
      error: `Could not read ${label}: a table it needs is locked right now (waited ${HEALTH_LOCK_TIMEOUT_MS} ms). Retry in a moment.`,
    };
  if (isDatabaseUnavailable(err))
    return { available: false, level: null, error: `Could not read ${label}: the database connection was lost.` };
  return {
    available: false,
    level: null,
    error: `Could not read ${label}${sqlstate ? ` (SQLSTATE ${sqlstate})` : ""}; the error was logged on the server.`,
  };
}

const needsStats = (label: string, role: string) => ({
  available: false as const,
  level: null,
  error: `Could not read ${label}: the console's reader role (${role}) may not see other sessions' state and queries. Grant it pg_read_all_stats (GRANT pg_read_all_stats TO ${role}).`,
  missing_grant: READ_ALL_STATS,
});

export interface HealthOptions {
  longQuerySeconds?: number;
}

/**
 * The whole payload, sections in sequence on one health connection. Throws AppError
 * database_unavailable only when no connection can be had at all.
 */
export async function healthReport(opts: HealthOptions = {}): Promise<HealthReport> {
  let client;
  try {
    client = await healthPool().connect();
  } catch (err) {
    log.error("health: no connection", { code: (err as { code?: string }).code, error: (err as Error).message });
    throw new AppError(
      "database_unavailable",
      "The database is unavailable: the health check could not connect. Check that it is running and reachable, then retry.",
    );
  }
  let broken = false;
  try {
    return await collectHealth(async (sql, params) => {
      try {
        return (await client.query(sql, params)).rows;
      } catch (err) {
        if (isDatabaseUnavailable(err)) broken = true;
        throw err;
      }
    }, opts);
  } finally {
    client.release(broken || undefined);
  }
}

/** Which pgSTAC this database runs, in two statements (a call to a missing function fails at parse). */
async function pgstacLabel(q: HealthQuerier): Promise<string> {
  const [p] = await q<{ has: boolean; comment: string | null }>(
    `SELECT to_regprocedure('pgstac.get_version()') IS NOT NULL AS has, obj_description(to_regnamespace('pgstac'), 'pg_namespace') AS comment`,
  );
  if (!p.has) return "no pgSTAC";
  if (p.comment?.startsWith("pgSTAC stand-in")) return "pgSTAC stand-in";
  const [v] = await q<{ v: string | null }>(`SELECT pgstac.get_version() AS v`);
  return v?.v ? `pgSTAC ${v.v}` : "pgSTAC (version unreadable)";
}

/** The payload from any querier (the bench records the SQL it sends). */
export async function collectHealth(q: HealthQuerier, opts: HealthOptions = {}): Promise<HealthReport> {
  const cfg = getConfig();
  const h = cfg.health;
  const longQuerySeconds = opts.longQuerySeconds ?? h.longQuerySeconds;
  const ctx = { role: cfg.reader.user, statementTimeoutMs: h.statementTimeoutMs };
  const run = async <T>(label: string, fn: () => Promise<T>) => {
    try {
      return await fn();
    } catch (err) {
      return failure(label, err, ctx);
    }
  };

  // 1. Who we are and the server: every later section depends on it.
  type ServerRow = {
    version: string;
    version_num: number;
    started_at: Date;
    uptime_seconds: number;
    in_recovery: boolean;
    database: string;
    max_connections: number;
    reserved_connections: number;
    role: string;
    superuser: boolean;
    read_all_stats: boolean;
    now: Date;
  };
  let me: ServerRow | null = null;
  let server: HealthReport["server"];
  try {
    [me] = await q<ServerRow>(
      `SELECT current_setting('server_version') AS version, current_setting('server_version_num')::int AS version_num,
              pg_postmaster_start_time() AS started_at, extract(epoch FROM now() - pg_postmaster_start_time())::float8 AS uptime_seconds,
              pg_is_in_recovery() AS in_recovery, current_database() AS database,
              current_setting('max_connections')::int AS max_connections, current_setting('superuser_reserved_connections')::int AS reserved_connections,
              current_user AS role, coalesce((SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user), false) AS superuser,
              pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') AS read_all_stats, now() AS now`,
    );
    server = {
      available: true,
      level: "ok",
      version: me.version,
      version_num: me.version_num,
      started_at: iso(me.started_at)!,
      uptime_seconds: me.uptime_seconds,
      in_recovery: me.in_recovery,
      database: me.database,
      max_connections: me.max_connections,
      reserved_connections: me.reserved_connections,
      // A role that may not read pgstac still gets the server section.
      pgstac: await pgstacLabel(q).catch(() => "pgSTAC (not readable by this role)"),
    };
  } catch (err) {
    server = failure("the server's version and uptime", err, ctx);
  }
  const privileges = {
    role: me?.role ?? cfg.reader.user,
    superuser: !!me?.superuser,
    read_all_stats: !!me?.read_all_stats,
  };
  const statsNote = privileges.read_all_stats
    ? undefined
    : `The reader role (${privileges.role}) lacks pg_read_all_stats: other roles' sessions are counted but their state is unknown.`;

  // 2. Connections against max_connections (client backends only: background workers have their own slots).
  const connections: HealthReport["connections"] = await run("connections", async () => {
    const [r] = await q<{
      total: number;
      by_state: { state: string; count: number }[];
      by_application: { application: string; count: number }[];
      by_database: { database: string; count: number }[];
    }>(
      `WITH a AS (SELECT state, application_name, datname FROM pg_catalog.pg_stat_activity WHERE backend_type = 'client backend')
       SELECT (SELECT count(*) FROM a)::int AS total,
              coalesce((SELECT json_agg(json_build_object('state', s, 'count', n) ORDER BY n DESC, s) FROM (SELECT coalesce(state, 'unknown') AS s, count(*)::int AS n FROM a GROUP BY 1) x), '[]') AS by_state,
              coalesce((SELECT json_agg(json_build_object('application', s, 'count', n) ORDER BY n DESC, s) FROM (SELECT coalesce(nullif(application_name, ''), '(none)') AS s, count(*)::int AS n FROM a GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20) x), '[]') AS by_application,
              coalesce((SELECT json_agg(json_build_object('database', s, 'count', n) ORDER BY n DESC, s) FROM (SELECT coalesce(datname, '(none)') AS s, count(*)::int AS n FROM a GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20) x), '[]') AS by_database`,
    );
    const max =
      me?.max_connections ?? Number((await q<{ m: string }>(`SELECT current_setting('max_connections') AS m`))[0].m);
    const percent = max ? (r.total / max) * 100 : 0;
    return {
      available: true as const,
      level: (percent > h.connectionsCritPct ? "critical" : percent > h.connectionsWarnPct ? "warning" : "ok") as Level,
      note: statsNote,
      total: r.total,
      max,
      percent: Math.round(percent * 10) / 10,
      warn_at: Math.floor((max * h.connectionsWarnPct) / 100),
      crit_at: Math.floor((max * h.connectionsCritPct) / 100),
      by_state: r.by_state,
      by_application: r.by_application,
      by_database: r.by_database,
    };
  });

  // The admin role's rights decide which sessions the buttons may end.
  let rights: SignalRights | null = null;
  const ability = (s: SessionFacts): EndAbility => {
    const none = "The console could not work out its admin role's rights; see the server log.";
    return rights
      ? { cancel: endRefusal(s, rights, "cancel"), terminate: endRefusal(s, rights, "terminate") }
      : { cancel: none, terminate: none };
  };
  if (privileges.read_all_stats) {
    rights = await signalRights(q, cfg.admin.user).catch((err) => {
      log.warn("health: admin rights unknown", { error: (err as Error).message });
      return null;
    });
  }

  // 3. Long-running queries (and sessions idle in a long transaction).
  const long_queries: HealthReport["long_queries"] = !privileges.read_all_stats
    ? needsStats("long-running queries", privileges.role)
    : await run("long-running queries", async () => {
        const rows = await q<{
          pid: number;
          database: string | null;
          user: string | null;
          application: string | null;
          client: string | null;
          state: string | null;
          wait_event_type: string | null;
          wait_event: string | null;
          backend_start: Date | null;
          xact_start: Date | null;
          query_start: Date | null;
          duration_seconds: number;
          query: string | null;
          query_truncated: boolean;
          superuser: boolean;
          self: boolean;
          backend_type: string;
          total: number;
        }>(
          `SELECT a.pid, a.datname AS database, a.usename AS "user", a.application_name AS application,
                  coalesce(host(a.client_addr), CASE WHEN a.client_port = -1 THEN 'local socket' END) AS client,
                  a.state, a.wait_event_type, a.wait_event, a.backend_start, a.xact_start, a.query_start,
                  extract(epoch FROM now() - CASE WHEN a.state = 'active' THEN a.query_start ELSE coalesce(a.xact_start, a.query_start) END)::float8 AS duration_seconds,
                  left(a.query, ${QUERY_TEXT_MAX}) AS query, length(a.query) > ${QUERY_TEXT_MAX} AS query_truncated,
                  coalesce(r.rolsuper, false) AS superuser, a.pid = pg_backend_pid() AS self, a.backend_type,
                  count(*) OVER ()::int AS total
             FROM pg_catalog.pg_stat_activity a LEFT JOIN pg_catalog.pg_roles r ON r.oid = a.usesysid
            WHERE a.backend_type = 'client backend' AND a.state IS NOT NULL AND a.state <> 'idle'
              AND now() - CASE WHEN a.state = 'active' THEN a.query_start ELSE coalesce(a.xact_start, a.query_start) END > make_interval(secs => $1)
            ORDER BY duration_seconds DESC, a.pid
            LIMIT 50`,
          [longQuerySeconds],
        );
        const queries = rows.map((r): LongQuery => ({
          pid: r.pid,
          database: r.database,
          user: r.user,
          application: r.application,
          client: r.client,
          state: r.state,
          wait_event_type: r.wait_event_type,
          wait_event: r.wait_event,
          backend_start: iso(r.backend_start),
          xact_start: iso(r.xact_start),
          query_start: iso(r.query_start),
          duration_seconds: r.duration_seconds,
          query: r.query ?? "",
          query_truncated: r.query_truncated,
          superuser: r.superuser,
          refusal: ability({
            pid: r.pid,
            database: r.database,
            user: r.user,
            application: r.application,
            backend_type: r.backend_type,
            state: r.state,
            superuser: r.superuser,
            self: r.self,
          }),
        }));
        return {
          available: true as const,
          level: (queries.length ? "warning" : "ok") as Level,
          threshold_seconds: longQuerySeconds,
          total: rows[0]?.total ?? 0,
          queries,
        };
      });

  // 4. Lock waits: who waits on whom (pg_blocking_pids), for how long, on which relation.
  const locks: HealthReport["locks"] = !privileges.read_all_stats
    ? needsStats("lock waits", privileges.role)
    : await run("lock waits", async () => {
        const rows = await q<{
          blocked_pid: number;
          blocked_user: string | null;
          blocked_application: string | null;
          wait_event: string | null;
          waiting_seconds: number | null;
          blocked_query: string | null;
          blocking_pid: number;
          blocking_user: string | null;
          blocking_application: string | null;
          blocking_state: string | null;
          blocking_xact_seconds: number | null;
          blocking_query: string | null;
          blocking_database: string | null;
          blocking_superuser: boolean;
          blocking_backend_type: string;
          blocking_self: boolean;
          locktype: string | null;
          mode: string | null;
          relation: string | null;
        }>(
          `SELECT w.pid AS blocked_pid, w.usename AS blocked_user, w.application_name AS blocked_application, w.wait_event,
                  extract(epoch FROM now() - coalesce(lk.waitstart, w.state_change, w.query_start))::float8 AS waiting_seconds,
                  left(w.query, 1000) AS blocked_query,
                  b.pid AS blocking_pid, b.usename AS blocking_user, b.application_name AS blocking_application, b.state AS blocking_state,
                  extract(epoch FROM now() - coalesce(b.xact_start, b.query_start))::float8 AS blocking_xact_seconds,
                  left(b.query, 1000) AS blocking_query, b.datname AS blocking_database, coalesce(br.rolsuper, false) AS blocking_superuser,
                  b.backend_type AS blocking_backend_type, b.pid = pg_backend_pid() AS blocking_self,
                  lk.locktype, lk.mode,
                  CASE WHEN lk.relid IS NULL THEN NULL
                       WHEN lk.dbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()) THEN lk.relid::regclass::text
                       ELSE 'relation ' || lk.relid || ' in another database' END AS relation
             FROM pg_catalog.pg_stat_activity w
             CROSS JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS bp(pid)
             JOIN pg_catalog.pg_stat_activity b ON b.pid = bp.pid
             LEFT JOIN pg_catalog.pg_roles br ON br.oid = b.usesysid
             LEFT JOIN LATERAL (
               SELECT l.locktype, l.mode, l.waitstart,
                      coalesce(l.relation, (SELECT t.relation FROM pg_catalog.pg_locks t WHERE t.pid = w.pid AND t.locktype = 'tuple' LIMIT 1)) AS relid,
                      coalesce(l.database, (SELECT t.database FROM pg_catalog.pg_locks t WHERE t.pid = w.pid AND t.locktype = 'tuple' LIMIT 1)) AS dbid
                 FROM pg_catalog.pg_locks l WHERE l.pid = w.pid AND NOT l.granted LIMIT 1
             ) lk ON true
            WHERE w.wait_event_type = 'Lock'
            ORDER BY waiting_seconds DESC NULLS LAST, w.pid, b.pid
            LIMIT 100`,
        );
        const waits = rows.map((r): LockWait => ({
          blocked: {
            pid: r.blocked_pid,
            user: r.blocked_user,
            application: r.blocked_application,
            wait_event: r.wait_event,
            waiting_seconds: num(r.waiting_seconds),
            query: r.blocked_query ?? "",
          },
          blocking: {
            pid: r.blocking_pid,
            user: r.blocking_user,
            application: r.blocking_application,
            state: r.blocking_state,
            xact_seconds: num(r.blocking_xact_seconds),
            query: r.blocking_query ?? "",
            refusal: ability({
              pid: r.blocking_pid,
              database: r.blocking_database,
              user: r.blocking_user,
              application: r.blocking_application,
              backend_type: r.blocking_backend_type,
              state: r.blocking_state,
              superuser: r.blocking_superuser,
              self: r.blocking_self,
            }),
          },
          lock: { type: r.locktype, mode: r.mode, relation: r.relation },
        }));
        return { available: true as const, level: (waits.length ? "warning" : "ok") as Level, waits };
      });

  // 5. Sizes: the database, and the largest tables of each schema (ranked by the planner's page
  // counts, then measured). A table someone holds or awaits in ACCESS EXCLUSIVE mode is not
  // measured (that would queue behind the lock): its page count stands in.
  const sizes: HealthReport["sizes"] = await run("sizes", async () => {
    const [db] = await q<{ bytes: number }>(`SELECT pg_database_size(current_database())::float8 AS bytes`);
    const rows = await q<Omit<TableSize, "estimated_rows"> & { estimated_rows: number }>(
      `WITH locked AS (
         SELECT DISTINCT relation FROM pg_catalog.pg_locks
          WHERE locktype = 'relation' AND mode = 'AccessExclusiveLock'
            AND database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
       ), ranked AS (
         SELECT c.oid, c.reltoastrelid, n.nspname AS schema, c.relname AS name, greatest(c.reltuples, 0)::float8 AS estimated_rows,
                c.relpages::float8 * current_setting('block_size')::int AS page_bytes,
                (c.oid IN (SELECT relation FROM locked) OR c.reltoastrelid IN (SELECT relation FROM locked)) AS locked,
                row_number() OVER (PARTITION BY n.nspname ORDER BY c.relpages + coalesce(t.relpages, 0) DESC, c.relname) AS rn
           FROM pg_catalog.pg_class c
           JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
           LEFT JOIN pg_catalog.pg_class t ON t.oid = c.reltoastrelid
          WHERE c.relkind IN ('r', 'm')
            AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'
       )
       SELECT schema, name, estimated_rows, locked,
              CASE WHEN locked THEN page_bytes ELSE (pg_table_size(oid) - CASE WHEN reltoastrelid = 0 THEN 0 ELSE pg_total_relation_size(reltoastrelid) END)::float8 END AS table_bytes,
              CASE WHEN locked THEN NULL ELSE pg_indexes_size(oid)::float8 END AS index_bytes,
              CASE WHEN locked THEN NULL WHEN reltoastrelid = 0 THEN 0 ELSE pg_total_relation_size(reltoastrelid)::float8 END AS toast_bytes,
              CASE WHEN locked THEN NULL ELSE pg_total_relation_size(oid)::float8 END AS total_bytes
         FROM ranked WHERE rn <= ${TABLES_PER_SCHEMA}
        ORDER BY schema, coalesce(CASE WHEN locked THEN NULL ELSE pg_total_relation_size(oid) END, page_bytes) DESC, name
        LIMIT 200`,
    );
    return {
      available: true as const,
      level: "ok" as Level,
      database_bytes: db.bytes,
      per_schema: TABLES_PER_SCHEMA,
      tables: rows,
    };
  });

  // 6. Vacuum and bloat per large table, and the cache hit ratio.
  const vacuum: HealthReport["vacuum"] = await run("vacuum statistics", async () => {
    const rows = await q<{
      schema: string;
      name: string;
      live_tuples: number;
      dead_tuples: number;
      dead_ratio: number | null;
      last_vacuum: Date | null;
      last_autovacuum: Date | null;
      last_analyze: Date | null;
      last_autoanalyze: Date | null;
    }>(
      `SELECT schemaname AS schema, relname AS name, n_live_tup::float8 AS live_tuples, n_dead_tup::float8 AS dead_tuples,
              CASE WHEN n_live_tup + n_dead_tup > 0 THEN n_dead_tup::float8 / (n_live_tup + n_dead_tup) END AS dead_ratio,
              last_vacuum, last_autovacuum, last_analyze, last_autoanalyze
         FROM pg_catalog.pg_stat_user_tables
        WHERE n_live_tup + n_dead_tup >= $1
        ORDER BY n_dead_tup DESC, n_live_tup DESC, schemaname, relname
        LIMIT 25`,
      [VACUUM_MIN_ROWS],
    );
    const [c] = await q<{ tables: number | null; indexes: number | null }>(
      `SELECT (SELECT sum(heap_blks_hit)::float8 / nullif(sum(heap_blks_hit) + sum(heap_blks_read), 0) FROM pg_catalog.pg_statio_user_tables) AS tables,
              (SELECT sum(idx_blks_hit)::float8 / nullif(sum(idx_blks_hit) + sum(idx_blks_read), 0) FROM pg_catalog.pg_statio_user_indexes) AS indexes`,
    );
    const ratioLevel = (r: number | null): Level =>
      r === null ? "ok" : r < CACHE_HIT_CRIT ? "critical" : r < CACHE_HIT_WARN ? "warning" : "ok";
    const cache = {
      tables: num(c.tables),
      indexes: num(c.indexes),
      level: worst(ratioLevel(num(c.tables)), ratioLevel(num(c.indexes))),
    };
    const tables = rows.map((r): VacuumRow => ({
      schema: r.schema,
      name: r.name,
      live_tuples: r.live_tuples,
      dead_tuples: r.dead_tuples,
      dead_ratio: num(r.dead_ratio),
      flagged: r.dead_ratio !== null && r.dead_ratio > h.deadTupleRatioWarn,
      last_vacuum: iso(r.last_vacuum),
      last_autovacuum: iso(r.last_autovacuum),
      last_analyze: iso(r.last_analyze),
      last_autoanalyze: iso(r.last_autoanalyze),
    }));
    return {
      available: true as const,
      level: worst(tables.some((t) => t.flagged) ? "warning" : "ok", cache.level),
      tables,
      cache,
    };
  });

  // 7. Slow queries from pg_stat_statements, when the extension is there and loaded.
  const slow_queries: HealthReport["slow_queries"] = await run("slow queries (pg_stat_statements)", async () => {
    const [ext] = await q<{ schema: string }>(
      `SELECT n.nspname AS schema FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'`,
    );
    const off = (how: string) => ({
      available: true as const,
      level: "ok" as Level,
      enabled: false,
      how_to_enable: how,
      queries: [],
    });
    const enable =
      "Add pg_stat_statements to shared_preload_libraries (postgresql.conf; on Azure: the server parameter shared_preload_libraries, and allow it in azure.extensions), restart the server, then run CREATE EXTENSION pg_stat_statements; in this database as the admin.";
    if (!ext) return off(`pg_stat_statements is not installed in this database. ${enable}`);
    try {
      const rows = await q<{
        query: string;
        user: string | null;
        calls: number;
        total_ms: number;
        mean_ms: number;
        rows: number;
      }>(
        `SELECT left(s.query, ${QUERY_TEXT_MAX}) AS query, r.rolname AS "user", s.calls::float8 AS calls, s.total_exec_time AS total_ms,
                s.mean_exec_time AS mean_ms, s.rows::float8 AS rows
           FROM ${quoteIdent(ext.schema)}.pg_stat_statements s LEFT JOIN pg_catalog.pg_roles r ON r.oid = s.userid
          WHERE s.dbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
          ORDER BY s.total_exec_time DESC
          LIMIT 20`,
      );
      const queries = rows.map((r): SlowQuery => ({
        ...r,
        level: r.mean_ms > SLOW_MEAN_CRIT_MS ? "critical" : r.mean_ms > SLOW_MEAN_WARN_MS ? "warning" : "ok",
      }));
      const counted = queries.filter((x) => x.calls >= SLOW_MIN_CALLS);
      return {
        available: true as const,
        level: worst(...counted.map((x) => x.level)),
        enabled: true,
        how_to_enable: null,
        queries,
      };
    } catch (err) {
      // 55000: the extension exists but the server did not preload its library.
      if ((err as { code?: string }).code === "55000")
        return off(
          `pg_stat_statements is installed in this database but the server does not load it. ${enable.replace(", then run CREATE EXTENSION pg_stat_statements; in this database as the admin", "")}`,
        );
      throw err;
    }
  });

  // 8. The console's pools in this process, and the budget they were sized from.
  const p = pools();
  const poolStatus = (name: PoolStatus["name"], pool: Pool, shared?: string): PoolStatus => ({
    name,
    total: pool.totalCount,
    idle: pool.idleCount,
    waiting: pool.waitingCount,
    max: (pool as unknown as { options: { max: number } }).options.max,
    ...(shared ? { shared_with: shared } : {}),
  });
  const pools_: HealthReport["pools"] = {
    available: true,
    level: p.reader.waitingCount > 0 || p.admin.waitingCount > 0 ? "warning" : "ok",
    note:
      me && me.max_connections !== cfg.connectionBudget.maxConnections
        ? `The pools were sized for max_connections = ${cfg.connectionBudget.maxConnections} (DB_MAX_CONNECTIONS), but the server allows ${me.max_connections}. Set DB_MAX_CONNECTIONS=${me.max_connections}.`
        : undefined,
    pools: [
      poolStatus("reader", p.reader, p.reader === p.admin ? "admin" : undefined),
      ...(p.reader === p.admin ? [] : [poolStatus("admin", p.admin)]),
      poolStatus("health", p.health),
    ],
    budget: {
      max_connections: cfg.connectionBudget.maxConnections,
      server_max_connections: me?.max_connections ?? null,
      instances: cfg.connectionBudget.instances,
      per_instance: cfg.connectionBudget.perInstance,
      pool_max: cfg.poolMax,
      pool_max_overridden: cfg.connectionBudget.poolMaxOverridden,
      health_pool_max: h.poolMax,
    },
  };

  // 9. TLS of the console's own connections, and the sslmode each pool uses.
  const tls: HealthReport["tls"] = await run("TLS of the console's connections", async () => {
    const rows = await q<{
      pid: number;
      application: string;
      user: string | null;
      ssl: boolean | null;
      version: string | null;
      cipher: string | null;
      bits: number | null;
    }>(
      `SELECT a.pid, a.application_name AS application, a.usename AS "user", s.ssl, s.version, s.cipher, s.bits
         FROM pg_catalog.pg_stat_activity a JOIN pg_catalog.pg_stat_ssl s ON s.pid = a.pid
        WHERE a.application_name LIKE 'geoetl-admin-console%'
        ORDER BY a.application_name, a.pid
        LIMIT 50`,
    );
    const targets: TlsTarget[] = [
      tlsTarget("admin", cfg.admin),
      ...(cfg.reader === cfg.admin ? [] : [tlsTarget("reader + health", cfg.reader)]),
    ];
    if (cfg.reader === cfg.admin) targets[0].pool = "admin + reader + health";
    const unencrypted = rows.some((r) => r.ssl === false && targets.some((t) => !t.local));
    return {
      available: true as const,
      level: (targets.some((t) => t.warning) || unencrypted ? "warning" : "ok") as Level,
      note: privileges.read_all_stats
        ? undefined
        : "Without pg_read_all_stats only the reader's own connections are listed.",
      targets,
      connections: rows,
    };
  });

  // 10. Replication, when present.
  const replication: HealthReport["replication"] = await run("replication", async () => {
    const [r] = await q<{
      in_recovery: boolean;
      replay_lag_seconds: number | null;
      replicas: ReplicaRow[];
      slots: SlotRow[];
    }>(
      `SELECT pg_is_in_recovery() AS in_recovery,
              CASE WHEN pg_is_in_recovery() THEN extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 END AS replay_lag_seconds,
              coalesce((SELECT json_agg(json_build_object(
                  'application', application_name, 'client', host(client_addr), 'state', state, 'sync_state', sync_state,
                  'write_lag_seconds', extract(epoch FROM write_lag)::float8, 'flush_lag_seconds', extract(epoch FROM flush_lag)::float8,
                  'replay_lag_seconds', extract(epoch FROM replay_lag)::float8,
                  'replay_lag_bytes', CASE WHEN NOT pg_is_in_recovery() AND replay_lsn IS NOT NULL THEN pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float8 END)
                  ORDER BY application_name) FROM (SELECT * FROM pg_catalog.pg_stat_replication ORDER BY application_name LIMIT 20) x), '[]') AS replicas,
              coalesce((SELECT json_agg(json_build_object(
                  'name', slot_name, 'type', slot_type, 'active', active, 'wal_status', wal_status,
                  'retained_bytes', CASE WHEN NOT pg_is_in_recovery() AND restart_lsn IS NOT NULL THEN pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::float8 END)
                  ORDER BY slot_name) FROM (SELECT * FROM pg_catalog.pg_replication_slots ORDER BY slot_name LIMIT 20) y), '[]') AS slots`,
    );
    const { replicas, slots } = r;
    const level: Level = slots.some((s) => s.wal_status === "lost")
      ? "critical"
      : slots.some((s) => !s.active) || (r.replay_lag_seconds ?? 0) > 300
        ? "warning"
        : "ok";
    return {
      available: true as const,
      level,
      note:
        privileges.read_all_stats || !replicas.length
          ? undefined
          : "Without pg_read_all_stats the replicas' state and lag are hidden.",
      in_recovery: r.in_recovery,
      replay_lag_seconds: num(r.replay_lag_seconds),
      replicas,
      slots,
    };
  });

  const sections = [server, connections, long_queries, locks, sizes, vacuum, slow_queries, pools_, tls, replication];
  return {
    checked_at: iso(me?.now) ?? new Date().toISOString(),
    status: worst(...sections.map((s) => s.level)),
    thresholds: {
      connections_warn_pct: h.connectionsWarnPct,
      connections_crit_pct: h.connectionsCritPct,
      long_query_seconds: longQuerySeconds,
      dead_tuple_ratio_warn: h.deadTupleRatioWarn,
      cache_hit_warn: CACHE_HIT_WARN,
      cache_hit_crit: CACHE_HIT_CRIT,
      slow_query_mean_warn_ms: SLOW_MEAN_WARN_MS,
      slow_query_mean_crit_ms: SLOW_MEAN_CRIT_MS,
      vacuum_min_rows: VACUUM_MIN_ROWS,
    },
    privileges,
    server,
    connections,
    long_queries,
    locks,
    sizes,
    vacuum,
    slow_queries,
    pools: pools_,
    tls,
    replication,
  };
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

function tlsTarget(pool: string, t: DbTarget): TlsTarget {
  const local = LOOPBACK.has(t.host) || t.host.startsWith("/");
  let warning: string | null = null;
  if (!local && t.sslMode !== "verify-full") {
    warning =
      t.sslMode === "require" || t.sslMode === "verify-ca"
        ? `sslmode=${t.sslMode}: the connection is encrypted but the server's name is not checked. Use sslmode=verify-full with sslrootcert.`
        : `sslmode=${t.sslMode}: the connection to a remote database is not encrypted. Use sslmode=verify-full with sslrootcert.`;
  }
  return { pool, host: t.host, port: t.port, database: t.database, user: t.user, sslmode: t.sslMode, local, warning };
}
