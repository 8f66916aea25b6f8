import "server-only";
import { isDatabaseUnavailable } from "../api/errors";
import { readerPool } from "./pool";

export type DatabaseState = { ok: true; latencyMs: number } | { ok: false; reason: string };

/** One cheap round trip on the reader pool; never throws. */
export async function checkDatabase(): Promise<DatabaseState> {
  const started = performance.now();
  try {
    await readerPool().query("SELECT 1");
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    const reason = isDatabaseUnavailable(err) ? "cannot connect" : (err as Error).message;
    return { ok: false, reason };
  }
}
