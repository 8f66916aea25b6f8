import "server-only";
import { z } from "zod";
import { AppError } from "../../api/errors";
import { GEO_SCHEMA, quoteIdent } from "../../db/identifiers";
import { PROTECTED_GEO_TABLES } from "../../db/protected-tables";
import { deleteStacItem } from "../../db/stac";
import { forgetTileLayer } from "../../db/tiles";
import { log } from "../../log";
import { relationDependents } from "../dependents";
import type { Operation, Plan, PlanItem, Querier, Step, StepState } from "../types";

/**
 * Unpublish a geo layer (the pipeline's "Unpublish (Delete) Geo Table"), in its order:
 *   1. the STAC item, inside a SAVEPOINT: a pgSTAC failure rolls back only that step and becomes
 *      a warning (pgSTAC's functions run with search_path = pgstac, public: lib/db/stac.ts);
 *   2. the geo.table_metadata row;
 *   3. DROP TABLE geo.<table>: RESTRICT, or CASCADE only when the caller accepted the dependents
 *      the plan listed (views, foreign keys... anywhere in the database).
 * Only a layer (a table with a metadata row for schema geo) or an orphan (a geo table without
 * one, or a metadata row whose table is gone) can go; never the catalog or another protected
 * table. A metadata row that names another schema is not about geo.<name> and is left alone.
 * Any name the catalog holds works (quoted from the catalog, never from the request).
 */
export const UNPUBLISH_ACTION = "geo.unpublish";

// Control characters can never be in a name we would act on; PostgreSQL names are ≤ 63 bytes.
const TableName = z
  .string({ message: "required" })
  .min(1, "required")
  .max(63, "at most 63 characters (a PostgreSQL name)")
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "control characters are not allowed");

const Input = z.object({ table_name: TableName });
type Input = z.infer<typeof Input>;

interface Data {
  table: { oid: number; relname: string } | null;
  meta: { stac_item_id: string | null; stac_collection_id: string | null } | null;
}

export interface UnpublishResult {
  success: true;
  table_name: string;
  deleted: { stac_item: string | null; metadata_row: boolean; geo_table: boolean };
  warnings: string[];
  was_orphaned: boolean;
  dependents_dropped: string[];
}

const NOT_FOUND = (name: string) => `Table '${name}' does not exist in geo schema`;

async function planUnpublish(q: Querier, { table_name: name }: Input) {
  if (PROTECTED_GEO_TABLES.includes(name)) {
    throw new AppError(
      "bad_request",
      `Invalid table_name: geo.${name} is part of the layer catalog, not a layer; it can never be unpublished.`,
      {
        parameter: "table_name",
      },
    );
  }
  const [table] = await q<{ oid: number; relname: string; rows: string; bytes: string; size: string }>(
    `SELECT c.oid::int AS oid, c.relname, greatest(c.reltuples, 0)::bigint::text AS rows,
            pg_total_relation_size(c.oid)::text AS bytes, pg_size_pretty(pg_total_relation_size(c.oid)) AS size
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p') AND NOT c.relispartition`,
    [GEO_SCHEMA, name],
  );
  // Only a row about schema geo; xmin changes when the row is rewritten (a republish).
  const [meta] = await q<{ stac_item_id: string | null; stac_collection_id: string | null; version: string }>(
    `SELECT stac_item_id, stac_collection_id, xmin::text AS version FROM geo.table_metadata WHERE table_name = $1 AND schema_name = $2`,
    [name, GEO_SCHEMA],
  );
  if (!table && !meta) throw new AppError("not_found", NOT_FOUND(name), { table_name: name });

  const items: PlanItem[] = [];
  const warnings: string[] = [];
  if (meta?.stac_item_id)
    items.push({
      kind: "STAC item",
      name: meta.stac_item_id,
      detail: meta.stac_collection_id ? `collection ${meta.stac_collection_id}` : undefined,
    });
  if (meta) items.push({ kind: "metadata row", name: `geo.table_metadata '${name}'` });
  else warnings.push("No metadata found - table was orphaned (created outside ETL or metadata wiped)");
  if (table)
    items.push({
      kind: "table",
      name: `geo.${quoteIdent(table.relname)}`,
      detail: `≈ ${Number(table.rows).toLocaleString("en-US")} rows, ${table.size}`,
    });
  else warnings.push(`Table geo.${name} did not exist: removed the orphaned metadata row`);
  const dependents = table ? await relationDependents(q, table.oid) : [];
  return {
    target: name,
    summary: table
      ? `Unpublish ${meta ? "the layer" : "the orphaned table"} geo.${name}${meta?.stac_item_id ? " and its STAC item" : ""}.`
      : `Remove the orphaned metadata row of ${name}${meta?.stac_item_id ? " and its STAC item" : ""}.`,
    items,
    dependents,
    warnings,
    confirmText: name,
    state: { oid: table?.oid ?? null, meta: meta ?? null },
    data: {
      table: table ? { oid: table.oid, relname: table.relname } : null,
      meta: meta ? { stac_item_id: meta.stac_item_id, stac_collection_id: meta.stac_collection_id } : null,
    } satisfies Data,
  };
}

async function pgstacPresent(q: (sql: string) => Promise<{ rows: { ok: boolean }[] }>): Promise<boolean> {
  return !!(await q(`SELECT to_regprocedure('pgstac.delete_item(text,text)') IS NOT NULL AS ok`)).rows[0]?.ok;
}

export const unpublishOperation: Operation<Input, Data, UnpublishResult> = {
  action: UNPUBLISH_ACTION,
  title: "Unpublish a layer",
  input: Input,
  scope: "target",
  transaction: "single",
  statementTimeoutMs: 60_000,
  plan: planUnpublish,
  steps: (plan) => (plan.data.table ? UNPUBLISH_STEPS : UNPUBLISH_STEPS.slice(0, 2)),
  result: RESULT,
};

const UNPUBLISH_STEPS: Step<Data>[] = [
  {
    label: "Delete the STAC item",
    async run(client, { data, target }, state) {
      state.out.stac_item = null;
      const id = data.meta?.stac_item_id;
      if (!data.meta) {
        state.warnings.push("No STAC item ID in metadata (STAC cataloging may have been skipped)");
        return;
      }
      if (!id) {
        state.warnings.push("No STAC item ID in metadata (STAC cataloging may have been skipped)");
        return;
      }
      if (!(await pgstacPresent((sql) => client.query(sql)))) {
        state.warnings.push(`pgSTAC is not installed in this database: STAC item '${id}' was not deleted`);
        return;
      }
      await client.query("SAVEPOINT unpublish_stac");
      try {
        await deleteStacItem(client, id, data.meta.stac_collection_id);
        await client.query("RELEASE SAVEPOINT unpublish_stac");
        state.out.stac_item = id;
      } catch (err) {
        await client.query("ROLLBACK TO SAVEPOINT unpublish_stac");
        const code = (err as { code?: string }).code;
        if (code === "55P03") throw err; // busy, not broken: give up on the whole unpublish
        if (code === "P0002") state.warnings.push(`STAC item '${id}' was not found in pgSTAC (already deleted?)`);
        else {
          log.error("unpublish: pgSTAC delete_item failed", {
            table_name: target,
            code,
            error: (err as Error).message,
          });
          state.warnings.push(
            `STAC item deletion failed (pgstac error${code ? `, SQLSTATE ${code}` : ""}); metadata and table were still removed`,
          );
        }
      }
    },
  },
  {
    label: "Delete the metadata row",
    async run(client, { target }, state) {
      const r = await client.query(`DELETE FROM geo.table_metadata WHERE table_name = $1 AND schema_name = $2`, [
        target,
        GEO_SCHEMA,
      ]);
      state.out.metadata_row = (r.rowCount ?? 0) > 0;
    },
  },
  {
    label: "Drop the table",
    async run(client, { data, dependents }, state) {
      state.out.geo_table = false;
      if (!data.table) return;
      // The name as the catalog spells it, quoted. CASCADE only for dependents the caller accepted
      // (the plan was made again under the lock, so they are exactly the listed ones).
      await client.query(
        `DROP TABLE ${quoteIdent(GEO_SCHEMA)}.${quoteIdent(data.table.relname)} ${dependents.length ? "CASCADE" : "RESTRICT"}`,
      );
      state.out.geo_table = true;
      state.out.dependents_dropped = dependents.map((d) => `${d.kind} ${d.name}`);
      forgetTileLayer(data.table.relname);
    },
  },
];

function RESULT(plan: Plan<Data>, state: StepState): UnpublishResult {
  return {
    success: true,
    table_name: plan.target,
    deleted: {
      stac_item: (state.out.stac_item as string | null) ?? null,
      metadata_row: !!state.out.metadata_row,
      geo_table: !!state.out.geo_table,
    },
    warnings: [...plan.warnings, ...state.warnings],
    was_orphaned: !plan.data.meta,
    dependents_dropped: (state.out.dependents_dropped as string[] | undefined) ?? [],
  };
}
