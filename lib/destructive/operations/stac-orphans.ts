import "server-only";
import { z } from "zod";
import { AppError } from "../../api/errors";
import { deleteStacItem, listOrphanStacItems, type OrphanStacItem } from "../../db/stac";
import type { Operation } from "../types";

/**
 * Removes STAC items whose layer is gone (the orphan report's "STAC items without a layer"):
 * items in the vector collections that no geo.table_metadata.stac_item_id names. Each through
 * pgSTAC's own delete_item (with pgSTAC's search_path), all in one transaction, at most
 * MAX_ITEMS per run. Only the items the plan listed go: an item catalogued again in between
 * changes the plan, and the fingerprint refuses the run.
 */
export const STAC_ORPHANS_ACTION = "stac.orphans.cleanup";
const MAX_ITEMS = 1_000;

const Input = z.object({});
type Input = z.infer<typeof Input>;

export const stacOrphansOperation: Operation<Input, { items: OrphanStacItem[] }, Record<string, unknown>> = {
  action: STAC_ORPHANS_ACTION,
  title: "Remove orphaned STAC items",
  input: Input,
  scope: "global",
  transaction: "single",
  statementTimeoutMs: 300_000,
  async plan(q) {
    const [present] = await q<{ ok: boolean }>(
      `SELECT to_regprocedure('pgstac.delete_item(text,text)') IS NOT NULL AS ok`,
    );
    if (!present.ok)
      throw new AppError("not_found", "pgSTAC is not installed in this database: there are no STAC items to clean up.");
    const items = await listOrphanStacItems(q, MAX_ITEMS);
    if (!items.length)
      throw new AppError(
        "not_found",
        "There are no orphaned STAC items: every item in the vector collections has its layer.",
      );
    return {
      target: `${items.length} orphaned STAC items`,
      summary: `Delete ${items.length} STAC items whose layer no longer exists${items.length === MAX_ITEMS ? ` (the first ${MAX_ITEMS}; run again for more)` : ""}.`,
      items: items.map((i) => ({ kind: "STAC item", name: i.id, detail: `collection ${i.collection}` })),
      dependents: [],
      warnings: [],
      confirmText: "remove stac orphans",
      state: items.map((i) => [i.collection, i.id]),
      data: { items },
    };
  },
  steps: () => [
    {
      label: "Delete the orphaned STAC items",
      async run(client, { data }, state) {
        for (const i of data.items) await deleteStacItem(client, i.id, i.collection);
        state.out.deleted = data.items.map((i) => i.id);
      },
    },
  ],
  result: (_plan, state) => ({
    status: "success",
    stac_items_deleted: (state.out.deleted as string[]).length,
    ids: state.out.deleted,
  }),
};
