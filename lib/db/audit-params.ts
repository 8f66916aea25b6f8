import { z } from "zod";
import { emptyToUndefined, enumList, isInt64, isIsoTimestamp, safeText } from "../api/params";

/**
 * The audit list's parameters (page URL, API, export), pure so the page's client filters share
 * them. Every value reaches SQL as a parameter (lib/db/audit.ts).
 */
export type AuditOutcome = "success" | "failed" | "refused" | "conflict";
export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ["success", "failed", "refused", "conflict"];

/** Time-window presets of the audit page and API (`window=`), relative to now; `all` = no window. */
export const AUDIT_WINDOWS = [
  { value: "1h", hours: 1, label: "last 1 h" },
  { value: "24h", hours: 24, label: "last 24 h" },
  { value: "7d", hours: 168, label: "last 7 d" },
  { value: "30d", hours: 720, label: "last 30 d" },
] as const;
export type AuditWindow = (typeof AUDIT_WINDOWS)[number]["value"] | "all";

export const AUDIT_MAX_LIMIT = 200;
export const AUDIT_DEFAULT_LIMIT = 50;

const HAS_OFFSET = /(?:Z|[+-]\d{2}:?\d{2})$/i;
const isoWithOffset = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .trim()
    .refine((s) => isIsoTimestamp(s) && HAS_OFFSET.test(s), {
      message: "expected an ISO date-time with an offset, like 2026-01-31T12:00:00Z",
    })
    .transform((s) => new Date(s.replace(" ", "T")))
    .optional(),
);

/**
 * Each parameter of the audit list (page, API, export) on its own, so the API can refuse a bad
 * one (400 naming it) and the page can ignore it.
 */
export const AUDIT_PARAM_FIELDS = {
  actor: z.preprocess(emptyToUndefined, safeText(256).optional()),
  // "geo.unpublish" exactly; "maintenance." or "maintenance*" for every action starting with it.
  action: z.preprocess(emptyToUndefined, safeText(64).optional()),
  // In the outcomes' own order, whatever order the link gave them in.
  outcome: enumList(AUDIT_OUTCOMES as unknown as readonly [AuditOutcome, ...AuditOutcome[]], "outcome").transform(
    (list) => (list ? AUDIT_OUTCOMES.filter((o) => list.includes(o)) : undefined),
  ),
  window: z.preprocess(
    emptyToUndefined,
    z.enum(["1h", "24h", "7d", "30d", "all"], { message: "expected 1h, 24h, 7d, 30d or all" }).optional(),
  ),
  since: isoWithOffset,
  until: isoWithOffset,
  before: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine((s) => /^\d{1,19}$/.test(s) && isInt64(s) && BigInt(s) > BigInt(0), {
        message: "expected the id of an audit entry (a positive whole number)",
      })
      .optional(),
  ),
  limit: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^\d{1,4}$/, { message: `expected a whole number between 1 and ${AUDIT_MAX_LIMIT}` })
      .transform(Number)
      .refine((n) => n >= 1 && n <= AUDIT_MAX_LIMIT, {
        message: `expected a whole number between 1 and ${AUDIT_MAX_LIMIT}`,
      })
      .optional()
      .default(AUDIT_DEFAULT_LIMIT),
  ),
};

/** GET /api/audit and /api/export/audit: a bad parameter is a 400 naming it. */
export const auditListSchema = z.object(AUDIT_PARAM_FIELDS).refine((v) => !(v.since && v.until) || v.since < v.until, {
  message: "since must be before until",
  path: ["since"],
});
export type AuditListParams = z.infer<typeof auditListSchema>;
