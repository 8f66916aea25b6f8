"use client";
import { OperationButton } from "@/components/destructive/operation-button";

/** Unpublish: the destructive pipeline's dialog for one layer or orphan (any catalog name). */
export function UnpublishButton({ impact, compact = false }: { impact: { table_name: string } & Record<string, unknown>; compact?: boolean; returnTo?: string }) {
  return <OperationButton operation="unpublish" params={{ table_name: impact.table_name }} label="Unpublish" compact={compact} />;
}
