"use client";
import { OperationButton } from "@/components/destructive/operation-button";

/** Unpublish: the destructive pipeline's dialog for one layer or orphan (any catalog name). */
export function UnpublishButton({
  impact,
  compact = false,
  afterDone,
}: {
  impact: { table_name: string } & Record<string, unknown>;
  compact?: boolean;
  afterDone?: string;
  returnTo?: string;
}) {
  return (
    <OperationButton
      operation="unpublish"
      params={{ table_name: impact.table_name }}
      label="Unpublish"
      compact={compact}
      afterDone={afterDone}
    />
  );
}
