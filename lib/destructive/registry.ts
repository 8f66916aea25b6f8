import "server-only";
import { auditRetentionOperation } from "./operations/audit-retention";
import { cleanupOperation } from "./operations/cleanup";
import {
  fullRebuildOperation,
  redeployAppOperation,
  redeployPgstacOperation,
  stacNukeOperation,
} from "./operations/schemas";
import { pgstacMigrateOperation } from "./operations/pgstac-migrate";
import { cancelQueryOperation, terminateSessionOperation } from "./operations/sessions";
import { stacOrphansOperation } from "./operations/stac-orphans";
import { unpublishOperation } from "./operations/unpublish";
import type { AnyOperation } from "./types";

/** Every destructive operation, by the short name forms and routes use. */
export const OPERATIONS = {
  unpublish: unpublishOperation,
  cleanup: cleanupOperation,
  "audit-retention": auditRetentionOperation,
  redeploy: redeployAppOperation,
  "pgstac-redeploy": redeployPgstacOperation,
  "pgstac-migrate": pgstacMigrateOperation,
  "full-rebuild": fullRebuildOperation,
  "stac-nuke": stacNukeOperation,
  "stac-orphans": stacOrphansOperation,
  "health-cancel": cancelQueryOperation,
  "health-terminate": terminateSessionOperation,
} satisfies Record<string, AnyOperation>;

export type OperationName = keyof typeof OPERATIONS;

export function operationNamed(name: unknown): AnyOperation | null {
  return typeof name === "string" && Object.hasOwn(OPERATIONS, name) ? OPERATIONS[name as OperationName] : null;
}
