import type { PoolClient } from "pg";
import type { z } from "zod";

/**
 * A destructive operation is a small module: how to read its input, its plan (read-only: exactly
 * what goes), and its steps. lib/destructive/pipeline.ts does the rest, the same way for every
 * operation: lock, re-plan under the lock, fingerprint check, one transaction, audit, result.
 */
export interface PlanItem {
  /** What kind of thing goes: "table", "metadata row", "STAC item", "view", "schema", "jobs"... */
  kind: string;
  name: string;
  /** Counts, sizes: shown next to the item. */
  detail?: string;
}

export interface PlanBody<D> {
  /** What the audit row and the UI name as the target. */
  target: string;
  /** One sentence: what will happen. */
  summary: string;
  items: PlanItem[];
  /** Objects outside the target that would go with it: refused unless the caller accepts them. */
  dependents: PlanItem[];
  warnings: string[];
  /**
   * Parameters the run must be given to act on this very plan (e.g. cleanup's cut-off time, fixed
   * when the plan was made): the dialog sends them back, API callers may too.
   */
  bind?: Record<string, string>;
  /** What a person types to confirm (the table name, or the operation's word). */
  confirmText: string;
  /** The state the fingerprint is computed from (ids, oids, counts): what "changed since you looked" means. */
  state: unknown;
  /** Whatever the steps need (catalog names...). Never sent to the browser. */
  data: D;
}

export interface Plan<D = unknown> extends Omit<PlanBody<D>, "state"> {
  action: string;
  title: string;
  fingerprint: string;
}

/** What the browser gets: the plan without its private data. */
export type PublicPlan = Omit<Plan, "data">;

export type Querier = <T extends Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

export interface StepState {
  warnings: string[];
  /** Step results the operation's result() reads. */
  out: Record<string, unknown>;
}

export interface Step<D> {
  label: string;
  run(client: PoolClient, plan: Plan<D>, state: StepState): Promise<void>;
}

export interface Operation<I, D, R> {
  /** Audit action name, e.g. "geo.unpublish", "maintenance.cleanup". */
  action: string;
  title: string;
  /** Parses the request's parameters (query string or form fields, all strings): 400 names the field. */
  input: z.ZodType<I>;
  /**
   * "global": one at a time, and nothing else while it runs (schema operations, cleanup).
   * "target": many at once, one per target (unpublish), never during a global one.
   */
  scope: "global" | "target";
  /** Drops schemas: refused unless ALLOW_DESTRUCTIVE_MAINTENANCE=true (development only). */
  schemaDestroying?: boolean;
  /** "single": every step in one transaction. "per-step": each step commits (batched deletes). */
  transaction: "single" | "per-step";
  /** statement_timeout for the run (DDL and big deletes need more than a page's 15 s). */
  statementTimeoutMs: number;
  /** Read-only. Throws AppError (400/404/409) when there is nothing to do or it is not allowed. */
  plan(q: Querier, input: I): Promise<PlanBody<D>>;
  steps(plan: Plan<D>, input: I): Step<D>[];
  result(plan: Plan<D>, state: StepState): R;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyOperation = Operation<any, any, any>;
