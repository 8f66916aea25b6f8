import { describe, expect, it } from "vitest";
import { Client } from "pg";
import { migrate } from "@/lib/db/migrate";
import { urlFor } from "../helpers/cluster";
import { testDatabase } from "../helpers/db";

const db = testDatabase("found");

describe("schema from sql/", () => {
  it("creates the five schemas, the extensions and app.jobs/app.tasks as in the seed", async () => {
    const schemas = await db.client.query(
      `SELECT nspname FROM pg_namespace WHERE nspname IN ('app','geo','h3','pgstac','console') ORDER BY 1`,
    );
    expect(schemas.rows.map((r) => r.nspname)).toEqual(["app", "console", "geo", "h3", "pgstac"]);
    const ext = await db.client.query(
      `SELECT extname FROM pg_extension WHERE extname IN ('postgis','btree_gist','unaccent','uuid-ossp') ORDER BY 1`,
    );
    expect(ext.rows.map((r) => r.extname)).toEqual(["btree_gist", "postgis", "unaccent", "uuid-ossp"]);
    const cols = await db.client.query(
      `SELECT column_name, data_type, column_default FROM information_schema.columns WHERE table_schema='app' AND table_name='jobs' ORDER BY ordinal_position`,
    );
    expect(cols.rows.map((r) => r.column_name)).toEqual([
      "job_id",
      "job_type",
      "status",
      "stage",
      "total_stages",
      "parameters",
      "stage_results",
      "result_data",
      "metadata",
      "created_at",
      "updated_at",
    ]);
    expect(cols.rows.find((r) => r.column_name === "status")!.column_default).toContain("queued");
    await expect(
      db.client.query(`INSERT INTO app.jobs (job_id, job_type, status) VALUES ('x', 't', 'exploded')`),
    ).rejects.toThrow(/jobs_status_check/);
  });

  it("is idempotent: a second migration applies nothing", async () => {
    const applied = await migrate(db.client, { fixtures: true });
    expect(applied).toEqual(["roles.sql"]); // grants are re-applied on purpose
  });

  it("gives the reader role SELECT and nothing else", async () => {
    const reader = new Client({ connectionString: urlFor(db.name, "geoetl_reader") });
    await reader.connect();
    try {
      const n = await reader.query("SELECT count(*)::int AS n FROM app.jobs");
      expect(n.rows[0].n).toBeGreaterThan(0);
      await expect(reader.query("DELETE FROM app.jobs")).rejects.toThrow(/permission denied/);
      await expect(reader.query("DROP TABLE geo.world_countries")).rejects.toThrow(/must be owner/);
    } finally {
      await reader.end();
    }
  });
});

describe("pgSTAC (real, or the stand-in where no release files exist) behaves like pgSTAC 0.9", () => {
  it("reports its version and lists collections", async () => {
    const v = await db.client.query("SELECT pgstac.get_version() AS v");
    expect(v.rows[0].v).toMatch(/^0\.9\./);
    const all = await db.client.query("SELECT pgstac.all_collections() AS c");
    expect(all.rows[0].c.map((c: { id: string }) => c.id)).toContain("system-vectors");
  });

  it("refuses an item of a missing collection, like the real partitioned table", async () => {
    await expect(
      db.client.query(
        `INSERT INTO pgstac.items (id, geometry, collection, datetime, end_datetime, content)
         VALUES ('x', ST_MakeEnvelope(0,0,1,1,4326), 'no-such-collection', now(), now(), '{}')`,
      ),
    ).rejects.toThrow(/no partition of relation "items" found for row/);
  });

  it("delete_item removes an item and raises for one that is not there", async () => {
    const item = await db.client.query(`SELECT id, collection FROM pgstac.items LIMIT 1`);
    const { id, collection } = item.rows[0];
    await db.client.query("BEGIN");
    try {
      // pgSTAC's search path (tests/integration/pgstac.test.ts: without it, 42P01)
      await db.client.query("SET LOCAL search_path TO pgstac, public");
      await db.client.query("SELECT pgstac.delete_item($1, $2)", [id, collection]);
      const left = await db.client.query("SELECT count(*)::int AS n FROM pgstac.items WHERE id = $1", [id]);
      expect(left.rows[0].n).toBe(0);
      await expect(db.client.query("SELECT pgstac.delete_item($1, $2)", [id, collection])).rejects.toThrow(
        /query returned no rows/,
      );
    } finally {
      await db.client.query("ROLLBACK");
    }
  });
});

describe("health", () => {
  it("reports the database reachable (through the health pool, with the reader's identity)", async () => {
    const { checkDatabase } = await import("@/lib/db/health");
    const state = await checkDatabase();
    expect(state.ok).toBe(true);
  });
});
