/** Recreates the e2e database (CONSOLE_DB, default geoetl_e2e) from scratch: migrate + demo seed. */
import { execFileSync } from "node:child_process";
import { Client } from "pg";
import { migrate } from "../lib/db/migrate";
import { seedDemo } from "./demo-data";

const port = process.env.PGPORT ?? "54329";
const db = process.env.CONSOLE_DB ?? "geoetl_e2e";
if (!/^[a-z_][a-z0-9_]*$/.test(db)) throw new Error(`CONSOLE_DB must be a plain identifier, got ${db}`);
execFileSync("bash", ["scripts/db.sh", "start"], { stdio: "inherit" });
const admin = new Client({ connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres` });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
await admin.query(`CREATE DATABASE ${db}`);
await admin.end();
const c = new Client({ connectionString: `postgresql://postgres@127.0.0.1:${port}/${db}` });
await c.connect();
await migrate(c, { fixtures: true });
const r = await seedDemo(c);
await c.end();
console.log(`e2e database ${db}: ${r.jobs} jobs, ${r.tasks} tasks, ${r.geoTables.length} geo tables`);
