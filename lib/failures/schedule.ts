import "server-only";
import { AppError } from "../api/errors";
import { requestContext } from "../api/request-context";
import type { User } from "../auth/permissions";
import { getConfig } from "../config";
import { auditActor, writeAudit } from "../db/audit";
import { log } from "../log";
import { refreshFailures, refreshFailuresQuietly, type RollupRun } from "./rollup";

/**
 * When the failure rollup runs: every FAILURE_ROLLUP_SECONDS in each instance (the advisory lock
 * in refreshFailures makes the others skip), a page or API read that finds this instance has not
 * started one for that long (so a new server has data without waiting), and on demand (admin).
 * FAILURE_ROLLUP_SECONDS=0 turns the first two off.
 */
const component = "failure-rollup";
const g = globalThis as unknown as {
  __geoetlFailureTimer?: NodeJS.Timeout;
  __geoetlFailureKick?: { at: number; run: Promise<RollupRun | null> };
};
/** How long a read waits for the very first build (a new database) before showing "being built". */
const FIRST_BUILD_WAIT_MS = 5000;

function kick(): Promise<RollupRun | null> {
  const run = refreshFailuresQuietly(component);
  g.__geoetlFailureKick = { at: Date.now(), run };
  return run;
}

/**
 * Starts a background refresh when this instance has not started one within the interval. The
 * first one of a process is waited for (up to FIRST_BUILD_WAIT_MS), so a fresh demo or a new
 * instance shows its groups at once instead of an empty page.
 */
export async function refreshIfStale(): Promise<void> {
  const seconds = getConfig().failureRollupSeconds;
  if (!seconds) return;
  const first = !g.__geoetlFailureKick;
  if (first || Date.now() - g.__geoetlFailureKick!.at >= seconds * 1000) {
    const run = kick();
    if (first) await Promise.race([run, new Promise((r) => setTimeout(r, FIRST_BUILD_WAIT_MS).unref())]);
  }
}

export function startFailureRollup(): boolean {
  if (g.__geoetlFailureTimer) return true;
  const seconds = getConfig().failureRollupSeconds;
  if (!seconds) {
    log.info("failure rollup schedule off (FAILURE_ROLLUP_SECONDS=0)", { component });
    return false;
  }
  g.__geoetlFailureTimer = setInterval(() => void kick(), seconds * 1000);
  g.__geoetlFailureTimer.unref();
  return true;
}

/** The admin's "refresh now" / "rebuild": runs it, audits it whatever the outcome. */
export async function refreshFailuresAudited(user: User, rebuild: boolean): Promise<RollupRun & { ran: true }> {
  const ctx = await requestContext();
  const base = {
    actor: auditActor(user),
    action: rebuild ? "failures.rebuild" : "failures.refresh",
    target: "console.failures",
    parameters: { rebuild },
    requestId: ctx.requestId,
    clientAddress: ctx.clientAddress,
  };
  const t0 = performance.now();
  let run: RollupRun;
  try {
    run = await refreshFailures({ rebuild });
  } catch (err) {
    await writeAudit({
      ...base,
      outcome: "failed",
      error: { message: "The failure rollup could not be refreshed: see the server log." },
      durationMs: performance.now() - t0,
    });
    log.error("failure rollup refresh failed", { component, error: (err as Error).message });
    throw err;
  }
  if (!run.ran) {
    await writeAudit({ ...base, outcome: "conflict", error: { message: "Another refresh was running." } });
    throw new AppError(
      "conflict",
      "The failure rollup is being refreshed right now (by the schedule or another instance). Try again in a moment.",
    );
  }
  await writeAudit({
    ...base,
    outcome: "success",
    details: { mode: run.mode, rows: run.rows, failed: run.failed },
    durationMs: run.durationMs,
  });
  return run;
}
