/** The JSON API path of each operation (GET = its plan, POST = run it). Shared by routes' callers and the dialog. */
export const OPERATION_PATHS = {
  unpublish: "/api/dbadmin/geo/unpublish",
  cleanup: "/api/dbadmin/maintenance/cleanup",
  "audit-retention": "/api/dbadmin/maintenance/audit-retention",
  redeploy: "/api/dbadmin/maintenance/redeploy",
  "pgstac-redeploy": "/api/dbadmin/maintenance/pgstac/redeploy",
  "pgstac-migrate": "/api/dbadmin/maintenance/pgstac/migrate",
  "full-rebuild": "/api/dbadmin/maintenance/full-rebuild",
  "stac-nuke": "/api/stac/nuke",
  "stac-orphans": "/api/dbadmin/geo/orphans/stac-items",
  "health-cancel": "/api/dbadmin/health/cancel",
  "health-terminate": "/api/dbadmin/health/terminate",
} as const;

export type OperationPathName = keyof typeof OPERATION_PATHS;
