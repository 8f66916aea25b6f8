import "server-only";
import { getConfig } from "../config";
import { log } from "../log";
import { logOrphanReport, runOrphanCheck, type OrphanCheckResult } from "../db/orphans";

/**
 * The scheduled orphan check, inside the server.
 * Every ORPHAN_CHECK_INTERVAL_HOURS (0 = off) each instance wakes up; runOrphanCheck() takes an
 * advisory lock and skips when another instance already stored a report within the interval, so
 * the check runs once per interval however many instances there are.
 */
// The first check waits a minute after start (or one interval, when that is shorter).
const FIRST_RUN_DELAY_MS = 60_000;
// A little slack so a timer firing a few seconds early still counts as "due".
const SLACK = 0.95;

const g = globalThis as unknown as { __geoetlOrphanTimer?: NodeJS.Timeout };
const component = "orphan-check";

export async function runScheduledOrphanCheck(intervalMs: number): Promise<OrphanCheckResult | null> {
  try {
    const r = await runOrphanCheck({ minIntervalMs: intervalMs * SLACK });
    if (r.ran) logOrphanReport(r.report, r.durationMs);
    else log.info("orphan check skipped", { component, reason: r.reason, last_checked_at: r.lastCheckedAt });
    return r;
  } catch (err) {
    log.error("orphan check failed", { component, error: (err as Error).message });
    return null;
  }
}

/** Starts the timer once per process; returns false when the check is turned off. */
export function startOrphanSchedule(): boolean {
  if (g.__geoetlOrphanTimer) return true;
  const hours = getConfig().orphanCheckIntervalHours;
  if (!hours) {
    log.info("orphan check schedule off (ORPHAN_CHECK_INTERVAL_HOURS=0)", { component });
    return false;
  }
  const intervalMs = hours * 3_600_000;
  const first = setTimeout(
    () => {
      void runScheduledOrphanCheck(intervalMs);
      g.__geoetlOrphanTimer = setInterval(() => void runScheduledOrphanCheck(intervalMs), intervalMs);
      g.__geoetlOrphanTimer.unref();
    },
    Math.min(FIRST_RUN_DELAY_MS, intervalMs),
  );
  first.unref();
  g.__geoetlOrphanTimer = first;
  log.info("orphan check scheduled", { component, interval_hours: hours });
  return true;
}

export function stopOrphanSchedule(): void {
  if (g.__geoetlOrphanTimer) {
    clearTimeout(g.__geoetlOrphanTimer);
    clearInterval(g.__geoetlOrphanTimer);
    g.__geoetlOrphanTimer = undefined;
  }
}
