"use client";
import { useActionState, useState } from "react";
import { unpublishAction } from "@/app/(console)/geo/actions";
import { initialActionState } from "@/lib/actions/state";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
// Type only (erased at build): the plain data the server computed, exactly what will be removed.
import type { UnpublishPreview } from "@/lib/db/unpublish";

export function UnpublishButton({ impact, returnTo = "/geo", compact = false }: { impact: UnpublishPreview; returnTo?: "/geo" | "/orphans"; compact?: boolean }) {
  const [open, setOpen] = useState(false);
  const [state, action, pending] = useActionState(unpublishAction, initialActionState);
  return (
    <>
      <button
        type="button"
        onClick={() => setOpen(true)}
        className={`rounded border border-red-300 font-medium text-red-700 hover:bg-red-50 dark:border-red-800 dark:text-red-400 dark:hover:bg-red-950/40 ${compact ? "px-2 py-0.5 text-xs" : "px-3 py-1.5 text-sm"}`}
      >
        Unpublish
      </button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Unpublish ${impact.table_name}?`}
        expected={impact.table_name}
        confirmLabel="Unpublish permanently"
        action={action}
        pending={pending}
        hidden={{ table_name: impact.table_name, return_to: returnTo }}
        message={state.ok ? undefined : state.message}
      >
        <p className="mb-2">This cannot be undone. In one transaction it removes:</p>
        <ul className="list-disc space-y-1 pl-5" data-testid="unpublish-impact">
          <li>
            STAC item:{" "}
            {impact.stac_item_id ? (
              <code className="font-mono">{impact.stac_item_id}</code>
            ) : (
              <span className="italic">none (not catalogued)</span>
            )}
            {impact.stac_collection_id ? <> in collection <code className="font-mono">{impact.stac_collection_id}</code></> : null}
          </li>
          <li>Metadata row in geo.table_metadata: {impact.metadata_row ? "yes" : <span className="italic">none (orphaned table)</span>}</li>
          <li>
            Table:{" "}
            {impact.table_exists ? (
              <>
                <code className="font-mono">geo.{impact.table_name}</code> with {impact.row_count?.toLocaleString("en-US") ?? "?"} rows ({impact.size_pretty})
              </>
            ) : (
              <span className="italic">none (already dropped)</span>
            )}
          </li>
        </ul>
      </ConfirmDialog>
    </>
  );
}
