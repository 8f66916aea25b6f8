import "server-only";
import { log } from "../log";
import { isDatabaseUnavailable } from "../api/errors";
import { healthPool } from "./pool";

export type DatabaseState = { ok: true; latencyMs: number } | { ok: false; reason: string };

/**
 * One cheap round trip on the health pool (its own connections: a saturated reader pool does not
 * make the load balancer's probe fail); never throws. The reason is a fixed phrase (plus the
 * SQLSTATE): the raw driver message, which can name hosts and roles, goes to the server log only.
 */
export async function checkDatabase(): Promise<DatabaseState> {
  const started = performance.now();
  try {
    await healthPool().query("SELECT 1");
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    log.error("database check failed", { code: e.code, error: e.message });
    const reason = isDatabaseUnavailable(err)
      ? "cannot connect"
      : `the check query failed${e.code ? ` (SQLSTATE ${e.code})` : ""}`;
    return { ok: false, reason };
  }
}
