import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { migrate } from "../../lib/db/migrate";
import { seedDemo } from "../../scripts/demo-data";

/** The project's private cluster (scripts/db.sh), started on demand. */
export const PGPORT = process.env.PGPORT ?? "54329";
// TEST_TEMPLATE_DB lets two test runs share the cluster without dropping each other's template.
export const TEMPLATE_DB = process.env.TEST_TEMPLATE_DB ?? "geoetl_test_template";
// The cluster's generated password (scripts/db.sh keeps it in .data/pg-password).
const PASSWORD = encodeURIComponent(
  process.env.PGPASSWORD || execFileSync("bash", ["scripts/db.sh", "password"], { encoding: "utf8" }).trim(),
);
export const urlFor = (db: string, user = "postgres") =>
  `postgresql://${user}:${PASSWORD}@127.0.0.1:${PGPORT}/${db}?sslmode=disable`;

export function startCluster(): void {
  execFileSync("bash", ["scripts/db.sh", "start"], { stdio: "inherit", env: { ...process.env, PGPORT } });
}

async function withClient<T>(db: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: urlFor(db) });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A migrated, demo-seeded template; each test file copies it (CREATE DATABASE ... TEMPLATE is fast). */
export async function buildTemplate(): Promise<void> {
  await withClient("postgres", async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  });
  await withClient(TEMPLATE_DB, async (c) => {
    await migrate(c, { fixtures: true });
    await seedDemo(c);
  });
}

export async function createDatabaseFromTemplate(prefix: string): Promise<string> {
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  await withClient("postgres", (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`));
  return name;
}

export async function dropDatabase(name: string): Promise<void> {
  await withClient("postgres", (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}
