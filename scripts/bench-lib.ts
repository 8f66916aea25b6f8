/** What the benchmark scripts share: a database URL in the private cluster, a client, percentiles, tiles. */
import { Client } from "pg";

export const PGPORT = process.env.PGPORT ?? "54329";

/** A URL in the project's private cluster (the password comes from PGPASSWORD, scripts/local-env.sh). */
export const benchUrl = (db: string, user = "postgres") =>
  `postgresql://${user}@127.0.0.1:${PGPORT}/${db}?sslmode=disable`;

export async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Median and p95 of a list of timings. */
export function percentiles(ms: number[]): { median: number; p95: number } {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: q(0.5), p95: q(0.95) };
}

/** The slippy-map tile (as ST_TileEnvelope numbers them) holding a point at zoom z. */
export function tileOf(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  const x = Math.floor(((lon + 180) / 360) * n);
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return [Math.min(n - 1, Math.max(0, x)), Math.min(n - 1, Math.max(0, y))];
}
