import { beforeAll, describe, expect, it, vi } from "vitest";
import { bearer } from "../helpers/auth";
import { testDatabase } from "../helpers/db";
import { setAuthorization } from "../helpers/next-headers";

/**
 * A buggy writer's timestamps: ±infinity, year 0001 and year 9999 in every timestamp column the
 * console reads (jobs, tasks and heartbeats, API requests, janitor runs, geo metadata, STAC
 * items). Every list, detail, export and chart still answers 200; JSON carries PostgreSQL's own
 * text for the values a JS Date cannot hold ("infinity", "-infinity"); keyset paging walks over
 * an infinite key without skipping or repeating a row.
 */
(process.env as Record<string, string>).NODE_ENV = "test";
vi.mock("next/headers", () => import("../helpers/next-headers"));

const db = testDatabase("ts");
const VALUES = ["infinity", "-infinity", "0001-01-01 00:00:00+00", "9999-12-31 23:59:59+00"];
type Handler = (req: Request, ctx: never) => Promise<Response>;

let job = "";
let layer = "";
beforeAll(async () => {
  setAuthorization(await bearer("reader"));
  // Four jobs, four tasks of one processing job, four requests, janitor runs, layers, items: one per value.
  const jobs = (await db.client.query(`SELECT job_id FROM app.jobs ORDER BY job_id LIMIT 4`)).rows.map((r) => r.job_id);
  job = jobs[0];
  for (const [i, v] of VALUES.entries()) {
    await db.client.query(`UPDATE app.jobs SET created_at = $1, updated_at = $1 WHERE job_id = $2`, [v, jobs[i]]);
    await db.client.query(
      `UPDATE app.tasks SET heartbeat = $1, created_at = $1, updated_at = $1, status = 'processing'
        WHERE task_id = (SELECT task_id FROM app.tasks WHERE job_id = $2 ORDER BY task_id OFFSET $3 LIMIT 1)`,
      [v, job, i],
    );
    await db.client.query(
      `UPDATE app.api_requests SET created_at = $1, updated_at = $1 WHERE request_id = (SELECT request_id FROM app.api_requests ORDER BY request_id OFFSET $2 LIMIT 1)`,
      [v, i],
    );
    await db.client.query(
      `UPDATE app.janitor_runs SET started_at = $1, completed_at = $1 WHERE run_id = (SELECT run_id FROM app.janitor_runs ORDER BY run_id OFFSET $2 LIMIT 1)`,
      [v, i],
    );
    // pgSTAC's triggers name its tables unqualified: its search path, in a transaction.
    await db.client.query("BEGIN; SET LOCAL search_path TO pgstac, public");
    await db.client.query(
      `UPDATE pgstac.items SET datetime = $1, end_datetime = $1 WHERE id = (SELECT id FROM pgstac.items WHERE collection = 'system-rasters' ORDER BY id OFFSET $2 LIMIT 1)`,
      [v, i],
    );
    await db.client.query("COMMIT");
  }
  layer = (await db.client.query(`SELECT table_name FROM geo.table_metadata ORDER BY table_name LIMIT 1`)).rows[0]
    .table_name;
  await db.client.query(
    `UPDATE geo.table_metadata SET created_at = 'infinity', updated_at = '-infinity' WHERE table_name = $1`,
    [layer],
  );
});

async function get(load: Promise<{ GET: Handler }>, path: string, params: Record<string, string> = {}) {
  const { GET } = await load;
  const res = await GET(new Request(`http://console.test${path}`), { params: Promise.resolve(params) } as never);
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) };
}

describe("every reader route survives ±infinity and edge years", () => {
  const routes: [string, () => Promise<{ GET: Handler }>, string, Record<string, string>?][] = [
    ["jobs", () => import("@/app/api/dbadmin/jobs/route"), "/api/dbadmin/jobs?limit=1000"],
    ["jobs by update", () => import("@/app/api/dbadmin/jobs/route"), "/api/dbadmin/jobs?limit=1000&sort=updated"],
    ["stats", () => import("@/app/api/dbadmin/stats/route"), "/api/dbadmin/stats"],
    ["tasks", () => import("@/app/api/dbadmin/tasks/route"), "/api/dbadmin/tasks?limit=1000"],
    ["stuck tasks", () => import("@/app/api/dbadmin/tasks/route"), "/api/dbadmin/tasks?stuck=true&limit=100"],
    ["api requests", () => import("@/app/api/dbadmin/api-requests/route"), "/api/dbadmin/api-requests?limit=1000"],
    ["janitor runs", () => import("@/app/api/dbadmin/janitor-runs/route"), "/api/dbadmin/janitor-runs?limit=1000"],
    ["geo metadata", () => import("@/app/api/dbadmin/geo/metadata/route"), "/api/dbadmin/geo/metadata?limit=100"],
    [
      "stac items",
      () => import("@/app/api/stac/collections/[id]/items/route"),
      "/api/stac/collections/system-rasters/items?limit=1000",
      { id: "system-rasters" },
    ],
    ["export jobs", () => import("@/app/api/export/jobs/route"), "/api/export/jobs?format=csv&limit=100000"],
    ["export tasks", () => import("@/app/api/export/tasks/route"), "/api/export/tasks?format=json&limit=100000"],
    ["health", () => import("@/app/api/dbadmin/health/route"), "/api/dbadmin/health"],
  ];
  for (const [name, load, path, params] of routes)
    it(`${name}: 200`, async () => {
      const r = await get(load(), path, params);
      expect(r.status, r.text.slice(0, 300)).toBe(200);
      expect(r.text).not.toMatch(/export incomplete|Invalid Date|1970-01-01T00:00:00/);
    });

  it("job detail and its task list: 200, infinity as PostgreSQL writes it", async () => {
    const detail = await get(import("@/app/api/dbadmin/jobs/[job_id]/route"), `/api/dbadmin/jobs/${job}`, {
      job_id: job,
    });
    expect(detail.status, detail.text.slice(0, 300)).toBe(200);
    expect(detail.text).toContain('"infinity"');
    const tasks = await get(import("@/app/api/dbadmin/tasks/[job_id]/route"), `/api/dbadmin/tasks/${job}?limit=1000`, {
      job_id: job,
    });
    expect(tasks.status, tasks.text.slice(0, 300)).toBe(200);
    for (const v of ['"infinity"', '"-infinity"', '"0001-01-01T00:00:00.000Z"', '"9999-12-31T23:59:59.000Z"'])
      expect(tasks.text).toContain(v);
    // heartbeat age: no arithmetic on an infinite heartbeat
    const infinite = tasks.json().tasks.filter((t: { heartbeat: string }) => /infinity/.test(t.heartbeat));
    expect(infinite.map((t: { heartbeat_age_seconds: number | null }) => t.heartbeat_age_seconds)).toEqual([
      null,
      null,
    ]);
  });

  it("keyset pages over the infinite keys hold every job exactly once, in order", async () => {
    const { GET } = await import("@/app/api/dbadmin/jobs/route");
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 200; i++) {
      const res = await GET(
        new Request(`http://console.test/api/dbadmin/jobs?limit=500${cursor ? `&cursor=${cursor}` : ""}`),
        {} as never,
      );
      expect(res.status).toBe(200);
      const body = await res.json();
      seen.push(...body.jobs.map((j: { job_id: string }) => j.job_id));
      cursor = body.next_cursor;
      if (!cursor) break;
    }
    const total = (await db.client.query(`SELECT count(*)::int AS n FROM app.jobs`)).rows[0].n;
    expect(new Set(seen).size).toBe(total);
    expect(seen).toHaveLength(total);
    const first = await (await GET(new Request("http://console.test/api/dbadmin/jobs?limit=2"), {} as never)).json();
    expect(first.jobs[0].created_at).toBe("infinity");
  });
});
