import { createSerializer, type inferParserType } from "nuqs/server";
import { AUDIT_PARAM_FIELDS } from "../db/audit-params";
import { parseAsZod } from "./parsers";

/** The /audit view (newest first; `before` is the page position). */
export const auditUrl = {
  actor: parseAsZod(AUDIT_PARAM_FIELDS.actor, String),
  action: parseAsZod(AUDIT_PARAM_FIELDS.action, String),
  outcome: parseAsZod(AUDIT_PARAM_FIELDS.outcome, (v) => v.join(",")),
  window: parseAsZod(AUDIT_PARAM_FIELDS.window, String),
  since: parseAsZod(AUDIT_PARAM_FIELDS.since, (d) => d.toISOString()),
  until: parseAsZod(AUDIT_PARAM_FIELDS.until, (d) => d.toISOString()),
  before: parseAsZod(AUDIT_PARAM_FIELDS.before, String),
};
export type AuditUrlState = inferParserType<typeof auditUrl>;

export const auditHref = createSerializer(auditUrl);
