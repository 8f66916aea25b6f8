import "server-only";
import { Pool, type PoolClient, type QueryResultRow } from "pg";
import { getConfig } from "../config";
import { poolConfigFor } from "./connection";

/**
 * Two pools, created once per process and kept on globalThis so dev hot reloads don't leak
 * connections: `reader` serves every read, `admin` only writes and DDL (seeds/000: two identities).
 */
type Pools = { reader: Pool; admin: Pool };
const g = globalThis as unknown as { __geoetlPools?: Pools };

function createPools(): Pools {
  const cfg = getConfig();
  const opts = (role: string) => ({
    max: cfg.poolMax,
    statementTimeoutMs: cfg.statementTimeoutMs,
    applicationName: `geoetl-admin-console:${role}`,
  });
  const admin = new Pool(poolConfigFor(cfg.admin, opts("admin")));
  const reader = cfg.reader === cfg.admin ? admin : new Pool(poolConfigFor(cfg.reader, opts("reader")));
  // An idle client that loses its connection emits 'error'; without a listener that kills the process.
  for (const p of new Set([admin, reader])) p.on("error", (err) => console.error(JSON.stringify({ level: "error", msg: "idle database client error", error: err.message })));
  return { admin, reader };
}

export function pools(): Pools {
  g.__geoetlPools ??= createPools();
  return g.__geoetlPools;
}

export const readerPool = () => pools().reader;
export const adminPool = () => pools().admin;

export async function readQuery<T extends QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const res = await readerPool().query<T>(text, values);
  return res.rows;
}

/** Runs fn in one admin transaction: COMMIT on success, ROLLBACK on any throw. */
export async function withAdminTransaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await adminPool().connect();
  try {
    await client.query("BEGIN");
    const out = await fn(client);
    await client.query("COMMIT");
    return out;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
