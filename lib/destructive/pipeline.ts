import "server-only";
import type { PoolClient } from "pg";
import { AppError } from "../api/errors";
import { requestContext } from "../api/request-context";
import { getCurrentUser, requireRole } from "../auth/guard";
import type { User } from "../auth/permissions";
import { getConfig } from "../config";
import { auditRefusal } from "../audit/refusals";
import { summariseParameters } from "../audit/limits";
import { auditActor, tryWriteAudit, writeAudit, type AuditEntry } from "../db/audit";
import type { AuditOutcome } from "../db/audit-params";
import { adminPool, readerPool } from "../db/pool";
import { log } from "../log";
import { fingerprintOf } from "./fingerprint";
import type { AnyOperation, Plan, PlanBody, PublicPlan, Querier, StepState } from "./types";
import { isoTime } from "../db/timestamps";

/**
 * The one pipeline every destructive operation goes through:
 *
 *   plan (read-only) → confirmation (typed text or confirm=yes, + the plan's fingerprint)
 *   → advisory lock → one transaction (lock_timeout, DDL-sized statement_timeout), in which the
 *   plan is made again under the lock and must still match → steps → audit row → result.
 *
 * Every attempt leaves exactly one audit row: success inside the transaction (it commits with the
 * change), failed / refused / conflict after the rollback. Anonymous callers never reach the
 * database: their refusal is a log line (requireOperator).
 */

/** Held exclusively by "global" operations, shared by "target" ones. */
const GLOBAL_LOCK = "geoetl-console:maintenance";
/** How long a statement may wait for a table lock before the run gives up (409, nothing changed). */
export const LOCK_TIMEOUT = "3s";
const LOCK_NOT_AVAILABLE = "55P03";
export const TABLE_IN_USE_MESSAGE = "The table is in use (map tiles or queries are reading it); retry in a moment.";

export interface RunOptions {
  /**
   * The confirmation: the API's confirm=yes, or the text a person typed in the dialog, which must
   * equal the plan's confirmText. Missing or wrong: refused (400 naming the field), audited.
   */
  confirm: { api: string | undefined } | { typed: string | undefined };
  /** The fingerprint of the plan the caller saw; a run whose fresh plan differs is refused (409). */
  fingerprint?: string | null;
  /** The caller accepts the plan's dependents (cascade=yes / the second checkbox). */
  acceptDependents?: boolean;
}

export interface RunResult<R> {
  result: R;
  plan: PublicPlan;
  auditId: string;
}

const sqlstateOf = (err: unknown): string | undefined => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
};

const publicPlan = ({ data: _data, ...rest }: Plan): PublicPlan => rest;

function finishPlan(op: AnyOperation, body: PlanBody<unknown>): Plan {
  const { state, ...rest } = body;
  return {
    ...rest,
    action: op.action,
    title: op.title,
    fingerprint: fingerprintOf({
      action: op.action,
      target: body.target,
      items: body.items,
      dependents: body.dependents,
      state,
    }),
  };
}

/** The parameter names an operation's input schema declares (for the audit row's summary). */
export function inputKeys(op: AnyOperation): string[] | undefined {
  const shape = (op.input as unknown as { shape?: Record<string, unknown> }).shape;
  return shape ? [...Object.keys(shape), "table_name"] : undefined;
}

/** Parses the caller's parameters with the operation's schema: a 400 naming the field. */
export function parseInput<I>(op: AnyOperation, raw: Record<string, unknown>): I {
  const r = op.input.safeParse(raw);
  if (r.success) return r.data as I;
  const issue = r.error.issues[0];
  const param = issue?.path.join(".") || "request";
  throw new AppError("bad_request", `Invalid ${param}: ${issue?.message ?? "bad value"}`, { parameter: param });
}

/** The read-only plan, for the confirmation dialog and the API's preview. Reader pool, read-only transaction. */
export async function planOperation(op: AnyOperation, raw: Record<string, unknown>): Promise<PublicPlan> {
  const input = parseInput(op, raw);
  const client = await readerPool().connect();
  try {
    await client.query("BEGIN READ ONLY");
    const plan = finishPlan(op, await op.plan(querier(client), input));
    await client.query("COMMIT");
    return publicPlan(plan);
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

const querier =
  (client: PoolClient): Querier =>
  async (sql, params = []) =>
    (await client.query(sql, params)).rows;

/**
 * The guard of every destructive entry point (route handler or server action), first thing:
 * admins pass; a signed-in non-admin is refused and audited; an anonymous caller is refused and
 * only logged (a flood of anonymous requests must not fill the audit log).
 */
export async function requireOperator(
  action: string,
  target: string | null,
  parameters: Record<string, unknown>,
  /** The operation's parameter names: the audit row keeps only those (and the control ones). */
  known?: readonly string[],
): Promise<User> {
  try {
    return await requireRole("admin");
  } catch (err) {
    if (err instanceof AppError && err.code === "forbidden") {
      const user = await getCurrentUser().catch(() => null);
      // Past the per-identity limit this throws 429 instead (lib/audit/refusals.ts).
      if (user)
        await auditRefusal({
          ...(await auditBase(user, action, target, parameters, known)),
          outcome: "refused",
          error: { message: err.message, code: err.code },
        });
    } else if (err instanceof AppError && err.code === "unauthorized") {
      log.warn("anonymous mutation refused", { action, target: target?.slice(0, 256) });
    }
    throw err;
  }
}

async function auditBase(
  user: User,
  action: string,
  target: string | null,
  parameters: Record<string, unknown>,
  known?: readonly string[],
) {
  const ctx = await requestContext().catch(() => ({ requestId: null, clientAddress: null }));
  return {
    actor: auditActor(user),
    action,
    target,
    // A bounded summary: what the operation knows, each value capped (lib/audit/limits.ts).
    parameters: summariseParameters(parameters, known),
    requestId: ctx.requestId,
    clientAddress: ctx.clientAddress,
  };
}

const tryAudit = tryWriteAudit;

/** The refusal sentence when a schema-destroying operation is switched off. */
export const DESTRUCTIVE_DISABLED_MESSAGE =
  "Schema-destroying maintenance is switched off on this server (development only). Set ALLOW_DESTRUCTIVE_MAINTENANCE=true to enable it.";

/**
 * Runs an operation for a caller who passed requireOperator(). Throws AppError for every refusal
 * (400 bad input, 404 nothing there, 409 busy / changed / dependents / switched off); the audit
 * row is written in every case.
 */
export async function runOperation<R>(
  op: AnyOperation,
  raw: Record<string, unknown>,
  user: User,
  opts: RunOptions,
): Promise<RunResult<R>> {
  const started = Date.now();
  const rawTarget = typeof raw.table_name === "string" ? raw.table_name : null;
  const base = await auditBase(user, op.action, rawTarget, raw, inputKeys(op));
  const fail = async (outcome: AuditOutcome, err: AppError, extra: Partial<AuditEntry> = {}): Promise<never> => {
    const entry: AuditEntry = {
      ...base,
      ...extra,
      outcome,
      error: {
        message: err.message,
        code: err.code,
        ...(err.details?.sqlstate ? { sqlstate: String(err.details.sqlstate) } : {}),
      },
      durationMs: Date.now() - started,
    };
    // Refusals are rate-limited per identity (429 past the limit); what ran is always written.
    if (outcome === "refused") await auditRefusal({ ...entry, outcome });
    else await tryAudit(entry);
    throw err;
  };

  if ("api" in opts.confirm && opts.confirm.api !== "yes") {
    return fail(
      "refused",
      new AppError("bad_request", 'Invalid confirm: must be "yes" to execute (safety measure)', {
        parameter: "confirm",
      }),
    );
  }
  let input: unknown;
  try {
    input = parseInput(op, raw);
  } catch (err) {
    return fail("refused", err as AppError);
  }
  if (op.schemaDestroying && !getConfig().allowDestructiveMaintenance) {
    return fail(
      "refused",
      new AppError("conflict", DESTRUCTIVE_DISABLED_MESSAGE, { reason: "destructive_maintenance_disabled" }),
    );
  }

  const client = await adminPool().connect();
  let broken = false;
  let runId: string | null = null;
  let plan: Plan | null = null;
  let inTransaction = false;
  const state: StepState = { warnings: [], out: {} };
  try {
    // 1. The lock, before anything else (and before lock_timeout is set, which would bound this wait).
    const acquired = await lock(client, op, rawTarget);
    if (!acquired) {
      const running = await describeRunning();
      // Thrown, not fail(): the catch below audits it (fail() here audited every refusal twice).
      throw new AppError(
        "conflict",
        `${running ?? "Another maintenance operation"} is running; retry when it has finished.`,
        { reason: "busy" },
      );
    }
    runId = await startRun(op, rawTarget, base.actor.name, client);

    // 2. The plan again, under the lock, in the transaction that will act on it.
    await client.query("BEGIN");
    inTransaction = true;
    await client.query(`SELECT set_config('statement_timeout', $1, true)`, [String(op.statementTimeoutMs)]);
    plan = finishPlan(op, await op.plan(querier(client), input));
    base.target = plan.target;
    if ("typed" in opts.confirm && opts.confirm.typed !== plan.confirmText) {
      throw new AppError("bad_request", `Type ${plan.confirmText} exactly to confirm.`, { parameter: "confirmation" });
    }
    if (opts.fingerprint && opts.fingerprint !== plan.fingerprint) {
      throw new AppError(
        "conflict",
        "Changed since you looked: what this would remove is no longer what you confirmed. Review the new plan and confirm again.",
        {
          reason: "stale_plan",
          fingerprint: plan.fingerprint,
        },
      );
    }
    if (plan.dependents.length && !opts.acceptDependents) {
      throw new AppError(
        "conflict",
        `Other objects depend on this and would be dropped with it: ${plan.dependents.map((d) => `${d.kind} ${d.name}`).join(", ")}. Confirm them explicitly (cascade=yes) or remove them first.`,
        {
          reason: "dependents",
          dependents: plan.dependents,
        },
      );
    }
    await client.query(`SELECT set_config('lock_timeout', $1, true)`, [LOCK_TIMEOUT]);

    // 3. The steps: one transaction, or one per step (batched deletes).
    const steps = op.steps(plan, input);
    await progress(runId, 0, steps.length, steps[0]?.label ?? null);
    for (const [i, step] of steps.entries()) {
      await progress(runId, i + 1, steps.length, step.label);
      if (op.transaction === "per-step" && i > 0) {
        await client.query("BEGIN");
        inTransaction = true;
        await client.query(`SELECT set_config('statement_timeout', $1, true), set_config('lock_timeout', $2, true)`, [
          String(op.statementTimeoutMs),
          LOCK_TIMEOUT,
        ]);
      }
      await step.run(client, plan, state);
      if (op.transaction === "per-step") {
        await client.query("COMMIT");
        inTransaction = false;
      }
    }

    // 4. The audit row, committed with the change.
    const result = op.result(plan, state) as R;
    if (!inTransaction) {
      await client.query("BEGIN");
      inTransaction = true;
    }
    const auditId = await writeAudit(
      {
        ...base,
        outcome: "success",
        fingerprint: plan.fingerprint,
        warnings: state.warnings,
        details: { result, steps: steps.map((s) => s.label) },
        durationMs: Date.now() - started,
      },
      client,
    );
    await client.query("COMMIT");
    inTransaction = false;
    await finishRun(runId, "success");
    return { result, plan: publicPlan(plan), auditId };
  } catch (err) {
    if (inTransaction) await client.query("ROLLBACK").catch(() => (broken = true));
    const code = sqlstateOf(err);
    if (code && /^(08|57P)/.test(code)) broken = true;
    let e: AppError;
    let outcome: AuditOutcome = "failed";
    if (err instanceof AppError) {
      e = err;
      if (err.code === "conflict") outcome = "conflict";
      if (err.code === "bad_request") outcome = "refused";
    } else if (code === LOCK_NOT_AVAILABLE) {
      e = new AppError("conflict", TABLE_IN_USE_MESSAGE, { reason: "lock_timeout", sqlstate: code });
      outcome = "conflict";
    } else {
      log.error("destructive operation failed", {
        action: op.action,
        target: base.target,
        code,
        error: (err as Error)?.message ?? String(err),
      });
      e = new AppError(
        "internal",
        `The database refused the operation; nothing was changed${op.transaction === "per-step" ? " after the last completed step" : ""}. The error was logged on the server${code ? ` (SQLSTATE ${code})` : ""}.`,
        code ? { sqlstate: code } : undefined,
      );
    }
    if (runId) await finishRun(runId, outcome === "conflict" ? "conflict" : "failed");
    // The audit row is written after the rollback, so it survives it.
    return await fail(outcome, e, {
      fingerprint: plan?.fingerprint ?? null,
      warnings: state.warnings,
      details: Object.keys(state.out).length ? { partial: state.out } : {},
    });
  } finally {
    if (!broken) await client.query("SELECT pg_advisory_unlock_all()").catch(() => (broken = true));
    client.release(broken || undefined);
  }
}

/** Global operations: exclusive and never waiting. Target operations: shared global + a per-target lock they wait for. */
async function lock(client: PoolClient, op: AnyOperation, target: string | null): Promise<boolean> {
  if (op.scope === "global") {
    const r = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtext($1)) AS ok`, [GLOBAL_LOCK]);
    return r.rows[0].ok;
  }
  const r = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock_shared(hashtext($1)) AS ok`, [
    GLOBAL_LOCK,
  ]);
  if (!r.rows[0].ok) return false;
  // Two runs on one target queue here; the second then finds what the first left (e.g. "not found").
  await client.query(`SELECT pg_advisory_lock(hashtext($1))`, [`${op.action}:${target ?? ""}`]);
  return true;
}

async function startRun(
  op: AnyOperation,
  target: string | null,
  actor: string,
  client: PoolClient,
): Promise<string | null> {
  const pid = (await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0].pid;
  try {
    const r = await adminPool().query<{ id: string }>(
      `INSERT INTO console.operation_runs (action, target, actor, status, backend_pid) VALUES ($1, $2, $3, 'running', $4) RETURNING id::text`,
      [op.action, target, actor, pid],
    );
    return r.rows[0].id;
  } catch (err) {
    log.warn("operation progress not recorded", { error: (err as Error).message });
    return null;
  }
}

async function progress(runId: string | null, step: number, total: number, label: string | null) {
  if (!runId) return;
  await adminPool()
    .query(`UPDATE console.operation_runs SET step = $2, steps_total = $3, step_label = $4 WHERE id = $1`, [
      runId,
      step,
      total,
      label,
    ])
    .catch(() => undefined);
}

async function finishRun(runId: string | null, status: "success" | "failed" | "conflict") {
  if (!runId) return;
  await adminPool()
    .query(`UPDATE console.operation_runs SET status = $2, finished_at = now() WHERE id = $1`, [runId, status])
    .catch(() => undefined);
}

export interface RunningOperation {
  id: string;
  action: string;
  target: string | null;
  actor: string;
  started_at: string;
  step: number;
  steps_total: number;
  step_label: string | null;
}

/** Operations running now: rows whose lock-holding session is still alive. */
export async function runningOperations(): Promise<RunningOperation[]> {
  const rows = await readerPool().query<RunningOperation>(
    `SELECT r.id::text AS id, r.action, r.target, r.actor, r.started_at, r.step, r.steps_total, r.step_label
       FROM console.operation_runs r
      WHERE r.status = 'running'
        AND EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = r.backend_pid)
      ORDER BY r.id DESC LIMIT 20`,
  );
  return rows.rows.map((r) => ({ ...r, started_at: isoTime(r.started_at)! }));
}

async function describeRunning(): Promise<string | null> {
  const [r] = await runningOperations().catch(() => []);
  return r ? `${r.action}${r.target ? ` (${r.target})` : ""}, started by ${r.actor} at ${r.started_at}` : null;
}

export interface OperationRun extends RunningOperation {
  status: "running" | "success" | "failed" | "conflict";
  finished_at: string | null;
}

/** The latest runs, newest first (the maintenance page's history). */
export async function recentOperationRuns(limit = 10): Promise<OperationRun[]> {
  const rows = await readerPool().query<OperationRun>(
    `SELECT r.id::text AS id, r.action, r.target, r.actor, r.started_at, r.finished_at, r.step, r.steps_total, r.step_label,
            CASE WHEN r.status = 'running' AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = r.backend_pid)
                 THEN 'failed' ELSE r.status END AS status
       FROM console.operation_runs r ORDER BY r.id DESC LIMIT $1`,
    [Math.min(Math.max(limit, 1), 50)],
  );
  return rows.rows.map((r) => ({
    ...r,
    started_at: isoTime(r.started_at)!,
    finished_at: isoTime(r.finished_at),
  }));
}
