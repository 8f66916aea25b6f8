import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { EXPECTED, verifySchemas, type VerifyResult } from "@/lib/db/verify";
import { localPgstacDir } from "@/lib/pgstac/local";
import { testDatabase } from "../helpers/db";
import { setAuthorization } from "../helpers/next-headers";
import { bearer } from "../helpers/auth";

(process.env as Record<string, string>).NODE_ENV = "test";
vi.mock("next/headers", () => import("../helpers/next-headers"));

const db = testDatabase("verify");

/**
 * What a database set up by the console (demo, tests) legitimately lacks: nothing on real pgSTAC;
 * the stand-in has no search functions.
 */
const STAND_IN = !localPgstacDir();
const LEGITIMATELY_MISSING = STAND_IN ? ["pgstac:search", "pgstac:hash"] : [];

const failed = (r: VerifyResult) => r.checks.filter((c) => !c.ok).map((c) => c.id);
const check = (r: VerifyResult, id: string) => r.checks.find((c) => c.id === id)!;

function sqlOf(dir: string): string {
  const full = path.join(process.cwd(), "sql", dir);
  return readdirSync(full)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((f) => readFileSync(path.join(full, f), "utf8"))
    .join("\n");
}
const matches = (text: string, re: RegExp) => [...text.matchAll(re)].map((m) => m[1]);

describe("expected names", () => {
  it("are the ones sql/app and sql/h3 create (no drift)", () => {
    const app = sqlOf("app");
    expect([...EXPECTED.appTables].sort()).toEqual(matches(app, /CREATE TABLE IF NOT EXISTS app\.(\w+)/g).sort());
    expect(EXPECTED.appFunctions.map((f) => f.replace(/\(.*$/, ""))).toEqual(
      matches(app, /CREATE OR REPLACE FUNCTION app\.(\w+)\(/g),
    );
    expect([...EXPECTED.appEnums]).toEqual(matches(app, /CREATE TYPE app\.(\w+) AS ENUM/gi));
    expect(Object.values(EXPECTED.appStatusChecks).sort()).toEqual(
      matches(app, /CONSTRAINT (\w+) CHECK \(status IN/g).sort(),
    );
    for (const t of EXPECTED.platformTables) {
      const ddl = new RegExp(`CREATE TABLE IF NOT EXISTS app\\.${t} \\(([^;]*)\\);`).exec(app)![1];
      expect(EXPECTED.platformColumns[t], t).toEqual(matches(ddl, /^\s+(\w+) /gm));
    }
    expect([...EXPECTED.h3Tables].sort()).toEqual(matches(sqlOf("h3"), /CREATE TABLE IF NOT EXISTS h3\.(\w+)/g).sort());
  });
});

describe("verifySchemas", () => {
  it("passes every check on the seeded database but what it legitimately lacks, and says why", async () => {
    const r = await verifySchemas();
    expect(failed(r)).toEqual(LEGITIMATELY_MISSING);
    expect(r.ok).toBe(!STAND_IN);
    expect(r.checks.map((c) => c.id)).toEqual([
      "schema:app",
      "schema:pgstac",
      "schema:geo",
      "schema:h3",
      "schema:platform",
      "schema:console",
      "app:tables",
      "platform:tables",
      "app:enums",
      "app:functions",
      "geo:catalog",
      "pgstac:version",
      "pgstac:console-functions",
      "pgstac:search",
      "pgstac:hash",
      "h3:tables",
      "console:migrations",
    ]);
    for (const c of r.checks) expect(c.detail.length, c.id).toBeGreaterThan(10);
    for (const c of r.checks) expect(c.expectation, c.id).toMatch(/seed 00[03]|console/i);
    expect(check(r, "schema:platform")).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/^Logical schema, ok: .*app\.api_requests/),
    });
    expect(check(r, "schema:platform").expectation).toMatch(/physically in app schema/);
    expect(check(r, "platform:tables")).toMatchObject({
      ok: true,
      detail: "Found app.api_requests (10 columns), app.janitor_runs (9 columns).",
    });
    expect(check(r, "pgstac:version").detail).toBe("pgSTAC 0.9.8.");
    if (STAND_IN)
      expect(check(r, "pgstac:hash").detail).toMatch(
        /^Missing functions: pgstac\.search_tohash\(jsonb\), pgstac\.search_hash\(jsonb,jsonb\) .*stand-in/,
      );
    else expect(check(r, "pgstac:hash").detail).toMatch(/^All 2 present: pgstac\.search_tohash\(jsonb\)/);
    expect(check(r, "pgstac:search").detail).toMatch(/pgstac\.search\(jsonb\)/);
    expect(check(r, "app:enums").detail).toMatch(
      /app\.jobs\.status: CHECK jobs_status_check; app\.tasks\.status: CHECK tasks_status_check/,
    );
    expect(check(r, "console:migrations").detail).toMatch(
      STAND_IN
        ? /^All \d+ files applied and up to date \(all schemas, with the pgSTAC stand-in\)\.$/
        : /^All \d+ files applied and up to date \(all schemas\)\.$/,
    );
    expect(new Date(r.checked_at).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it("names a migration that changed or never ran", async () => {
    await db.client.query(`UPDATE console.schema_migrations SET checksum = 'stale' WHERE name = 'h3/001_h3.sql'`);
    await db.client.query(`DELETE FROM console.schema_migrations WHERE name = 'geo/001_geo.sql'`);
    try {
      const c = check(await verifySchemas(), "console:migrations");
      expect(c.ok).toBe(false);
      expect(c.detail).toMatch(/not applied: geo\/001_geo\.sql; changed since applied: h3\/001_h3\.sql/);
    } finally {
      const { migrate } = await import("@/lib/db/migrate");
      await migrate(db.client, { fixtures: true });
    }
    expect(check(await verifySchemas(), "console:migrations").ok).toBe(true);
  });

  it("on a database the console only migrated its own schema in, asks for the console's files and checks what else is recorded", async () => {
    // as `npx tsx scripts/migrate.ts` (console only) and then a maintenance redeploy of app leave it
    const gone = await db.client.query(
      `DELETE FROM console.schema_migrations WHERE name NOT LIKE 'console/%' AND name <> 'app/001_app.sql'`,
    );
    try {
      expect(gone.rowCount).toBeGreaterThan(3);
      const ok = check(await verifySchemas(), "console:migrations");
      expect(ok).toMatchObject({ ok: true });
      expect(ok.detail).toMatch(/\(console schema only\)\.$/);
      await db.client.query(`UPDATE console.schema_migrations SET checksum = 'stale' WHERE name = 'app/001_app.sql'`);
      expect(check(await verifySchemas(), "console:migrations").detail).toMatch(
        /^changed since applied: app\/001_app\.sql \(console schema only\)/,
      );
    } finally {
      const { migrate } = await import("@/lib/db/migrate");
      await migrate(db.client, { fixtures: true });
    }
    expect(check(await verifySchemas(), "console:migrations").ok).toBe(true);
  });

  it("a dropped platform column fails the platform tables check alone, naming it and the fix", async () => {
    await db.client.query(`ALTER TABLE app.api_requests DROP COLUMN data_type`);
    const r = await verifySchemas();
    expect(failed(r)).toEqual(["platform:tables", ...LEGITIMATELY_MISSING]);
    expect(check(r, "platform:tables").detail).toMatch(
      /^app\.api_requests lacks column data_type\. Redeploy the app schema/,
    );
    await db.client.query(`ALTER TABLE app.api_requests ADD COLUMN data_type VARCHAR(50)`);
    expect(failed(await verifySchemas())).toEqual(LEGITIMATELY_MISSING);
  });

  it("a real platform schema holding the tables is where they are checked", async () => {
    await db.client.query(`CREATE SCHEMA platform; CREATE TABLE platform.janitor_runs (run_id uuid)`);
    const r = await verifySchemas();
    expect(check(r, "schema:platform").detail).toMatch(/present \(a physical one\)/);
    expect(check(r, "platform:tables")).toMatchObject({ ok: false });
    expect(check(r, "platform:tables").detail).toMatch(/^platform\.janitor_runs lacks columns run_type, started_at/);
    await db.client.query(`DROP SCHEMA platform CASCADE`);
    expect(check(await verifySchemas(), "platform:tables").ok).toBe(true);
  });

  it.skipIf(STAND_IN)("a dropped pgSTAC function fails its check, naming it", async () => {
    await db.client.query(`DROP FUNCTION pgstac.search_hash(jsonb, jsonb) CASCADE`);
    const r = await verifySchemas();
    expect(failed(r)).toEqual(["pgstac:hash"]);
    expect(r.ok).toBe(false);
    expect(check(r, "pgstac:search").ok).toBe(true);
    expect(check(r, "pgstac:hash").detail).toMatch(
      /^Missing functions: pgstac\.search_hash\(jsonb,jsonb\) \(1 of 2 present\)/,
    );
  });

  it("a dropped app table fails the app tables check (and the platform one), naming it", async () => {
    await db.client.query(`DROP TABLE app.janitor_runs`);
    const r = await verifySchemas();
    expect(failed(r)).toEqual([
      "app:tables",
      "platform:tables",
      ...(STAND_IN ? LEGITIMATELY_MISSING : ["pgstac:hash"]),
    ]);
    expect(check(r, "app:tables").detail).toBe("Missing tables: app.janitor_runs (3 of 4 present).");
    expect(check(r, "platform:tables").detail).toMatch(/^janitor_runs is in neither platform nor app/);
  });

  it("a dropped h3 schema fails the h3 checks without throwing", async () => {
    await db.client.query(`DROP SCHEMA h3 CASCADE`);
    const r = await verifySchemas();
    expect(check(r, "schema:h3")).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/^Schema h3 is missing\. /),
    });
    expect(check(r, "h3:tables").ok).toBe(false);
    expect(check(r, "h3:tables").detail).toMatch(/^Schema h3 is missing.*h3\.grids/);
  });

  it("a dropped pgstac schema fails the pgSTAC checks without throwing", async () => {
    await db.client.query(`DROP SCHEMA pgstac CASCADE`);
    const r = await verifySchemas();
    for (const id of ["schema:pgstac", "pgstac:version", "pgstac:console-functions", "pgstac:search", "pgstac:hash"])
      expect(check(r, id).ok, id).toBe(false);
    expect(check(r, "pgstac:version").detail).toBe("Schema pgstac is missing: pgSTAC is not installed.");
  });
});

describe("GET /api/dbadmin/maintenance/verify", () => {
  let readerToken = "";
  beforeAll(async () => {
    readerToken = await bearer("reader");
  });

  it("answers a reader with the checks, and 401 without a caller", async () => {
    const { GET } = await import("@/app/api/dbadmin/maintenance/verify/route");
    const req = () => new Request("http://console.test/api/dbadmin/maintenance/verify");
    setAuthorization(null);
    const anon = await GET(req(), undefined as never);
    expect(anon.status).toBe(401);
    setAuthorization(readerToken);
    const res = await GET(req(), undefined as never);
    expect(res.status).toBe(200);
    const body = (await res.json()) as VerifyResult;
    expect(body.ok).toBe(false);
    expect(body.checks.find((c) => c.id === "schema:app")).toEqual({
      id: "schema:app",
      label: "Schema app",
      ok: true,
      detail: "Schema app is present.",
      expectation: expect.stringMatching(/^Seed 003, Check All Schemas Exist/),
    });
  });
});
