/**
 * npx tsx scripts/migrate.ts [--all]
 * Applies the console's own schema (console.*) to DATABASE_URL; idempotent. `--all` also applies
 * the app/geo/h3 DDL and the local reader role, as the demo does (never the pgSTAC stand-in).
 */
import { Client } from "pg";
import { migrate } from "../lib/db/migrate";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("migrate: set DATABASE_URL to the admin connection");
  process.exit(1);
}
const client = new Client({ connectionString: url });
await client.connect();
try {
  const applied = await migrate(client, { consoleOnly: !process.argv.includes("--all") });
  console.log(applied.length ? `applied: ${applied.join(", ")}` : "up to date");
} finally {
  await client.end();
}
