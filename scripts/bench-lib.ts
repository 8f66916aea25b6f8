/** What the benchmark scripts share: a database URL in the private cluster, a client, percentiles, tiles. */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
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

async function portInUse(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

/**
 * `next start` of a production build in `distDir` (built first when missing) on a spare port,
 * with the orphan schedule off; resolves when /api/health answers. Refuses a port in use, so it
 * never talks to somebody else's server.
 */
export async function startNextServer(opts: {
  port: number;
  distDir: string;
  env?: Record<string, string>;
  log: (...a: unknown[]) => void;
}): Promise<ChildProcess> {
  const { port, distDir } = opts;
  if (await portInUse(port)) throw new Error(`port ${port} is already in use: choose another port`);
  if (!existsSync(path.join(distDir, "BUILD_ID"))) {
    opts.log(`no production build in ${distDir}: building (NEXT_DIST_DIR=${distDir})`);
    execFileSync("npx", ["next", "build"], { stdio: "inherit", env: { ...process.env, NEXT_DIST_DIR: distDir } });
  }
  // node + next's own bin (not npx), so `child` is the server itself and kill() stops it.
  const child = spawn(
    process.execPath,
    [path.join("node_modules", "next", "dist", "bin", "next"), "start", "-p", String(port), "-H", "127.0.0.1"],
    {
      env: {
        ...process.env,
        NEXT_DIST_DIR: distDir,
        ORPHAN_CHECK_INTERVAL_HOURS: "0",
        CONSOLE_ORIGIN: `http://127.0.0.1:${port}`,
        ...opts.env,
      },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  for (let i = 0; i < 120; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (r.ok) return child;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill();
  throw new Error("next start did not come up");
}

/** A reader token from the local OpenID provider (keep it up: scripts/with-idp.sh). */
export function readerToken(): string {
  return execFileSync("npx", ["tsx", "scripts/token.ts", "reader"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  })
    .trim()
    .split("\n")
    .pop()!;
}
