import { afterAll, beforeAll } from "vitest";
import { Client } from "pg";
import { createDatabaseFromTemplate, dropDatabase, urlFor } from "./cluster";

/**
 * Gives a test file its own throwaway copy of the seeded database and points the app's config
 * at it (admin = postgres, reader = geoetl_reader, like the demo). `db.client` is an admin
 * connection for arranging and asserting.
 */
export function testDatabase(prefix = "t") {
  const ctx = { name: "", client: undefined as unknown as Client };
  beforeAll(async () => {
    ctx.name = await createDatabaseFromTemplate(`geoetl_test_${prefix}`);
    process.env.DATABASE_URL = urlFor(ctx.name);
    process.env.DATABASE_READER_URL = urlFor(ctx.name, "geoetl_reader");
    ctx.client = new Client({ connectionString: urlFor(ctx.name) });
    await ctx.client.connect();
  });
  afterAll(async () => {
    await ctx.client?.end();
    const g = globalThis as unknown as { __geoetlPools?: Record<string, { end(): Promise<void> }> };
    if (g.__geoetlPools) {
      // reader, admin and health (reader and admin may be one pool).
      await Promise.all([...new Set(Object.values(g.__geoetlPools))].map((p) => p.end()));
      g.__geoetlPools = undefined;
    }
    await dropDatabase(ctx.name);
  });
  return ctx;
}
