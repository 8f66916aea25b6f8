import "server-only";
import { AppError } from "../api/errors";
import { getConfig } from "../config";
import { type AuditActor, type AuditEntry, tryWriteAudit, writeAudit } from "../db/audit";
import { log } from "../log";
import { RefusalLimiter } from "./limits";

/**
 * The one way refused attempts reach the audit log. Every refusal of a signed-in caller is
 * written, up to AUDIT_REFUSALS_PER_MINUTE per identity (default 30) in a minute; past that the
 * caller gets 429 with Retry-After, nothing is written, and when the minute closes one
 * `audit.suppressed` row says how many refusals were not written. Successful, failed and
 * conflicting operations never pass through here: an admin's real operations are never suppressed.
 */
const WINDOW_MS = 60_000;
const perMinute = () => getConfig().auditRefusalsPerMinute;

const g = globalThis as unknown as { __geoetlRefusals?: RefusalLimiter<AuditActor> };
export function refusalLimiter(): RefusalLimiter<AuditActor> {
  g.__geoetlRefusals ??= new RefusalLimiter<AuditActor>(perMinute(), WINDOW_MS, (actor, count, from, to) => {
    writeAudit({
      actor,
      action: "audit.suppressed",
      target: actor.oid,
      outcome: "refused",
      details: { suppressed: count, from: from.toISOString(), to: to.toISOString(), limit_per_minute: perMinute() },
      error: {
        message: `${count} further refused attempts by this identity were refused and not written one by one (more than ${perMinute()} a minute).`,
        code: "too_many_requests",
      },
    }).catch((err: Error) => log.error("audit write failed", { action: "audit.suppressed", error: err.message }));
  });
  return g.__geoetlRefusals;
}

/** Tests: a fresh limiter (after changing AUDIT_REFUSALS_PER_MINUTE). */
export function resetRefusalLimiter(): void {
  g.__geoetlRefusals?.flush();
  g.__geoetlRefusals = undefined;
}

/**
 * Writes a refused attempt's row, or, past the limit, writes nothing and throws 429. Never
 * throws for a failed write (the refusal itself must win); returns the row's id when written.
 */
export async function auditRefusal(entry: AuditEntry & { outcome: "refused" }): Promise<string | null> {
  const w = refusalLimiter().admit(entry.actor.oid, entry.actor);
  if (!w.write) {
    if (w.firstSuppressed)
      log.warn("refused attempts no longer audited one by one (rate limit)", {
        actor: entry.actor.oid,
        action: entry.action,
        for_seconds: w.retryAfterSeconds,
      });
    throw new AppError(
      "too_many_requests",
      `Too many refused attempts: wait ${w.retryAfterSeconds} s. They are counted in the audit log, not written one by one.`,
      { retry_after_seconds: w.retryAfterSeconds },
    );
  }
  return tryWriteAudit(
    w.threshold
      ? {
          ...entry,
          warnings: [
            ...(entry.warnings ?? []),
            `Limit reached: further refused attempts by this identity in the next ${w.retryAfterSeconds} s are answered 429 and counted in one audit.suppressed row.`,
          ],
        }
      : entry,
  );
}
