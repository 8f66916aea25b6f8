import "server-only";
import { z } from "zod";
import { AppError } from "../../api/errors";
import { getConfig } from "../../config";
import { quoteIdent } from "../../db/identifiers";
import type { Operation, PlanItem, Step } from "../types";

/**
 * Audit log retention: the monthly partitions of console.audit_log (sql/console/004) whose whole
 * month ended more than `months` ago (default AUDIT_RETENTION_MONTHS) are detached and dropped,
 * in one transaction, audited like every operation (its own row lands in this month's
 * partition). Never a DELETE: the log's append-only trigger still refuses those. The default
 * partition is never dropped. Afterwards the next twelve months' partitions exist.
 */
const Input = z.object({
  months: z
    .string()
    .regex(/^\d{1,4}$/, { message: "expected a whole number of months between 1 and 1200" })
    .transform(Number)
    .refine((n) => n >= 1 && n <= 1200, { message: "expected a whole number of months between 1 and 1200" })
    .optional(),
});
type Input = z.infer<typeof Input>;

interface Partition {
  name: string;
  upper: string;
  rows: number;
}

export const auditRetentionOperation: Operation<Input, { partitions: Partition[] }, Record<string, unknown>> = {
  action: "audit.retention",
  title: "Drop old audit log months",
  input: Input,
  scope: "global",
  transaction: "single",
  statementTimeoutMs: 300_000,
  async plan(q, input) {
    const configured = getConfig().auditRetentionMonths;
    const months = input.months ?? configured;
    // An admin may keep more than the configured retention, never less: shortening the audit
    // trail is a server setting (AUDIT_RETENTION_MONTHS), not a request parameter.
    if (months < configured)
      throw new AppError(
        "bad_request",
        `Invalid months: at least ${configured} (AUDIT_RETENTION_MONTHS); keeping less audit history is a server setting.`,
        { parameter: "months" },
      );
    const parts = await q<{ name: string; upper: string; rows: string }>(
      `WITH p AS (
         SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
           FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
          WHERE i.inhparent = 'console.audit_log'::regclass)
       SELECT name, substring(bound FROM 'TO \\(''([^'']+)''\\)') AS upper, '0' AS rows
         FROM p WHERE bound <> 'DEFAULT'
          AND substring(bound FROM 'TO \\(''([^'']+)''\\)')::timestamptz
              <= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - make_interval(months => $1::int)
        ORDER BY 2`,
      [months],
    );
    if (!parts.length)
      throw new AppError("not_found", `No audit log month ended more than ${months} months ago: nothing to drop.`);
    const partitions: Partition[] = [];
    for (const p of parts) {
      const [n] = await q<{ n: string }>(`SELECT count(*)::text AS n FROM console.${quoteIdent(p.name)}`);
      partitions.push({ name: p.name, upper: new Date(p.upper).toISOString(), rows: Number(n.n) });
    }
    const items: PlanItem[] = partitions.map((p) => ({
      kind: "audit log month",
      name: `console.${p.name}`,
      detail: `${p.rows.toLocaleString("en-US")} rows, before ${p.upper.slice(0, 10)}`,
    }));
    return {
      target: `audit log older than ${months} months`,
      summary: `Detach and drop ${partitions.length} monthly partition${partitions.length === 1 ? "" : "s"} of the audit log (${partitions.reduce((a, p) => a + p.rows, 0).toLocaleString("en-US")} rows, every month that ended more than ${months} months ago). Newer months, and rows in the default partition, stay.`,
      items,
      dependents: [],
      warnings: [
        "The dropped rows are gone for good: export them first (/audit → CSV) if they must be kept elsewhere.",
      ],
      confirmText: "drop audit months",
      state: { months, partitions },
      data: { partitions },
    };
  },
  steps: (plan) => [
    ...plan.data.partitions.map((p): Step<{ partitions: Partition[] }> => ({
      label: `Detach and drop console.${p.name}`,
      async run(client, _plan, state) {
        await client.query(`ALTER TABLE console.audit_log DETACH PARTITION console.${quoteIdent(p.name)}`);
        await client.query(`DROP TABLE console.${quoteIdent(p.name)}`);
        state.out.rows_dropped = Number(state.out.rows_dropped ?? 0) + p.rows;
      },
    })),
    {
      label: "Create the next months' partitions",
      async run(client) {
        await client.query(`SELECT console.audit_ensure_partitions(12)`);
      },
    },
  ],
  result: (plan, state) => ({
    status: "success",
    message: `Dropped ${plan.data.partitions.length} audit log month(s)`,
    partitions_dropped: plan.data.partitions.map((p) => p.name),
    rows_dropped: state.out.rows_dropped ?? 0,
  }),
};
