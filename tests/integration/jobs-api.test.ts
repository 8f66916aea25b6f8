import { beforeAll, describe, expect, it, vi } from "vitest";
import { testDatabase } from "../helpers/db";
import { setAuthorization } from "../helpers/next-headers";
import { bearer } from "../helpers/auth";

/**
 * API contract: shapes, 400s naming the parameter, 404s, 401 without a caller. The route
 * handlers run for real (auth guard included); only next/headers is replaced, because there is
 * no Next request scope in Vitest: it hands the guard the Authorization header of each request.
 */
(process.env as Record<string, string>).NODE_ENV = "test";
vi.mock("next/headers", () => import("../helpers/next-headers"));

const db = testDatabase("jobsapi");
let readerToken = "";

beforeAll(async () => {
  readerToken = await bearer("reader");
});

const req = (path: string) => new Request(`http://console.test${path}`);
async function call(
  handler: (r: Request, ctx: never) => Promise<Response>,
  path: string,
  params?: Record<string, string>,
  auth = true,
) {
  setAuthorization(auth ? readerToken : null);
  const res = await handler(req(path), { params: Promise.resolve(params ?? {}) } as never);
  return res;
}

describe("GET /api/dbadmin/jobs", async () => {
  const { GET } = await import("@/app/api/dbadmin/jobs/route");

  it("answers the seed's query with jobs, a cursor and a total", async () => {
    const res = await call(GET, "/api/dbadmin/jobs?hours=720&limit=100&status=failed");
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      count: 100,
      limit: 100,
      total_exact: true,
      filters_applied: { status: ["failed"], hours: 720, sort: "created" },
    });
    expect(body.jobs[0]).toEqual(
      expect.objectContaining({
        job_id: expect.any(String),
        job_type: expect.any(String),
        status: "failed",
        stage: expect.any(Number),
        total_stages: expect.any(Number),
        created_at: expect.any(String),
        updated_at: expect.any(String),
      }),
    );
    const n = (
      await db.client.query(
        "SELECT count(*)::int AS n FROM app.jobs WHERE status = 'failed' AND created_at >= now() - interval '720 hours'",
      )
    ).rows[0].n;
    expect(body.total).toBe(n);
    expect(typeof body.next_cursor).toBe("string");
    expect(body.prev_cursor).toBeNull();

    const next = await (
      await call(GET, `/api/dbadmin/jobs?hours=720&limit=100&status=failed&cursor=${body.next_cursor}`)
    ).json();
    expect(next.total).toBeNull(); // only computed on the first page unless total=true
    expect(next.jobs[0].job_id).not.toBe(body.jobs[0].job_id);
    expect(new Set([...body.jobs, ...next.jobs].map((j: { job_id: string }) => j.job_id)).size).toBe(
      body.jobs.length + next.jobs.length,
    );
  });

  it("caps limit at 1000", async () => {
    const body = await (await call(GET, "/api/dbadmin/jobs?limit=5000")).json();
    expect(body.limit).toBe(1000);
    expect(body.count).toBe(1000);
  });

  it.each([
    ["status=bogus", "status"],
    ["hours=-5", "hours"],
    ["limit=abc", "limit"],
    ["limit=0", "limit"],
    ["sort=sideways", "sort"],
    ["since=yesterday", "since"],
    ["cursor=garbage", "cursor"],
  ])("400 for %s, naming %s", async (qs, param) => {
    const res = await call(GET, `/api/dbadmin/jobs?${qs}`);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe("bad_request");
    expect(body.error.message).toContain(param);
  });

  const forged = (key: unknown, id: unknown) =>
    Buffer.from(JSON.stringify({ d: "n", s: "created", k: [key, id] })).toString("base64url");

  it.each([
    ["since=1", "since"],
    ["since=0", "since"],
    ["until=2026-02-30", "until"],
    ["job_type=a%00b", "job_type"],
    ["job_type=%01", "job_type"],
    ["q=ab%00", "q"],
    ["cursor=%00", "cursor"],
    [`cursor=${forged("1", "x")}`, "cursor"],
    [`cursor=${forged("2026-02-30T00:00:00Z", "x")}`, "cursor"],
    [`cursor=${forged("2026-01-31T00:00:00Z", "a\u0000b")}`, "cursor"],
    ["total=sure", "total"],
  ])("400, not 500, for %s, naming %s", async (qs, param) => {
    const res = await call(GET, `/api/dbadmin/jobs?${qs}`);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error).toMatchObject({ code: "bad_request", parameter: param });
    expect(body.error.message).toContain(param);
  });

  it("401 without a session or token", async () => {
    const res = await call(GET, "/api/dbadmin/jobs", undefined, false);
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe("unauthorized");
  });
});

describe("GET /api/dbadmin/jobs/{job_id} and /api/dbadmin/tasks/{job_id}", async () => {
  const job = await import("@/app/api/dbadmin/jobs/[job_id]/route");
  const tasks = await import("@/app/api/dbadmin/tasks/[job_id]/route");

  it("returns a job with stages and task counts; 404 for an unknown id", async () => {
    const id = (await db.client.query("SELECT job_id FROM app.tasks GROUP BY job_id ORDER BY count(*) DESC LIMIT 1"))
      .rows[0].job_id;
    const res = await call(job.GET, `/api/dbadmin/jobs/${id}`, { job_id: id });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      job_id: id,
      parameters: expect.any(Object),
      stage_results: expect.any(Object),
      stages: expect.any(Array),
      task_counts: expect.objectContaining({ total: expect.any(Number) }),
    });
    const missing = await call(job.GET, "/api/dbadmin/jobs/nope", { job_id: "nope" });
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe("not_found");
    expect((await call(job.GET, `/api/dbadmin/jobs/${id}`, { job_id: id }, false)).status).toBe(401);
  });

  it("returns a job's tasks in stage order with a cursor; 404 for an unknown job", async () => {
    const id = (await db.client.query("SELECT job_id FROM app.tasks GROUP BY job_id ORDER BY count(*) DESC LIMIT 1"))
      .rows[0].job_id;
    const body = await (await call(tasks.GET, `/api/dbadmin/tasks/${id}`, { job_id: id })).json();
    expect(body.job_id).toBe(id);
    expect(body.count).toBe(1000);
    expect(body.next_cursor).toEqual(expect.any(String));
    expect(body.tasks[0]).toEqual(
      expect.objectContaining({
        task_id: expect.any(String),
        status: expect.any(String),
        retry_count: expect.any(Number),
        stuck: expect.any(Boolean),
      }),
    );
    expect((await call(tasks.GET, "/api/dbadmin/tasks/nope", { job_id: "nope" })).status).toBe(404);
    expect((await call(tasks.GET, `/api/dbadmin/tasks/${id}?stage=x`, { job_id: id })).status).toBe(400);
  });

  it("404 without a query for a path id PostgreSQL could not hold (NUL, control characters) or too long", async () => {
    for (const bad of ["\u0000", "abc\u0000", "a\nb", "x".repeat(65)]) {
      for (const [handler, path] of [
        [job.GET, "jobs"],
        [tasks.GET, "tasks"],
      ] as const) {
        const res = await call(handler, `/api/dbadmin/${path}/${encodeURIComponent(bad)}`, { job_id: bad });
        expect(res.status, `${path}/${JSON.stringify(bad)}`).toBe(404);
        const body = await res.json();
        expect(body.error.code).toBe("not_found");
        expect(body.error.message).not.toMatch(/[\u0000-\u001f]/);
      }
    }
    const id = (await db.client.query("SELECT job_id FROM app.tasks LIMIT 1")).rows[0].job_id;
    const res = await call(tasks.GET, `/api/dbadmin/tasks/${id}?cursor=%00`, { job_id: id });
    expect(res.status).toBe(400);
    expect((await res.json()).error.parameter).toBe("cursor");
  });
});

describe("GET /api/dbadmin/tasks and /api/dbadmin/stats", async () => {
  const tasks = await import("@/app/api/dbadmin/tasks/route");
  const stats = await import("@/app/api/dbadmin/stats/route");

  it("lists failed tasks as in the seed", async () => {
    const body = await (await call(tasks.GET, "/api/dbadmin/tasks?status=failed&limit=50")).json();
    expect(body.count).toBe(50);
    expect(body.tasks.every((t: { status: string }) => t.status === "failed")).toBe(true);
    expect(body.filters_applied).toEqual({ status: ["failed"] });
    const bad = await call(tasks.GET, "/api/dbadmin/tasks?status=done");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toContain("status");
    expect((await call(tasks.GET, "/api/dbadmin/tasks?stuck=maybe")).status).toBe(400);
  });

  it("reads stuck like every boolean (yes/1/true) and refuses control characters in text filters", async () => {
    const a = await (await call(tasks.GET, "/api/dbadmin/tasks?stuck=yes&limit=5")).json();
    const b = await (await call(tasks.GET, "/api/dbadmin/tasks?stuck=1&limit=5")).json();
    expect(a.filters_applied).toEqual({ stuck: true });
    expect(a.tasks.map((t: { task_id: string }) => t.task_id)).toEqual(
      b.tasks.map((t: { task_id: string }) => t.task_id),
    );
    expect(a.tasks.every((t: { stuck: boolean }) => t.stuck)).toBe(true);
    const no = await (await call(tasks.GET, "/api/dbadmin/tasks?stuck=no&limit=5")).json();
    expect(no.filters_applied).toEqual({});
    const maybe = await (await call(tasks.GET, "/api/dbadmin/tasks?stuck=maybe")).json();
    expect(maybe.error.message).toContain("stuck");
    for (const [qs, param] of [
      ["task_type=%00", "task_type"],
      ["job_id=a%00", "job_id"],
      ["cursor=%00", "cursor"],
    ]) {
      const res = await call(tasks.GET, `/api/dbadmin/tasks?${qs}`);
      expect(res.status, qs).toBe(400);
      expect((await res.json()).error.parameter).toBe(param);
    }
  });

  it("answers stats with the seed's fields plus counts by status", async () => {
    const res = await call(stats.GET, "/api/dbadmin/stats");
    expect(res.status).toBe(200);
    const body = await res.json();
    const jobs = (await db.client.query("SELECT count(*)::int AS n FROM app.jobs")).rows[0].n;
    expect(body).toMatchObject({
      total_jobs: jobs,
      total_tasks: expect.any(Number),
      schemas: expect.arrayContaining(["app", "geo", "pgstac"]),
      pgstac_version: "0.9.8",
    });
    expect(Object.keys(body.jobs_by_status).sort()).toEqual([
      "completed",
      "completed_with_errors",
      "failed",
      "processing",
      "queued",
    ]);
    expect(body.stuck_tasks).toBeGreaterThan(0);
    expect((await call(stats.GET, "/api/dbadmin/stats", undefined, false)).status).toBe(401);
  });
});

describe("export", async () => {
  const jobsExport = await import("@/app/api/export/jobs/route");
  const tasksExport = await import("@/app/api/export/tasks/route");

  it("streams the filtered jobs as CSV with the cap in a header", async () => {
    const res = await call(jobsExport.GET, "/api/export/jobs?status=failed&format=csv");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    expect(res.headers.get("x-export-cap")).toBe("50000");
    expect(res.headers.get("content-disposition")).toMatch(/attachment; filename="jobs-.*\.csv"/);
    const lines = (await res.text()).trim().split("\r\n");
    const n = (await db.client.query("SELECT count(*)::int AS n FROM app.jobs WHERE status = 'failed'")).rows[0].n;
    expect(lines[0]).toBe("job_id,job_type,status,stage,total_stages,created_at,updated_at,duration_seconds,error");
    expect(lines).toHaveLength(n + 1);
    expect(lines.slice(1).every((l) => l.split(",")[2] === "failed")).toBe(true);
  });

  it("streams tasks as JSON, stating cap, count and truncation", async () => {
    const body = await (await call(tasksExport.GET, "/api/export/tasks?status=failed&format=json")).json();
    const n = (await db.client.query("SELECT count(*)::int AS n FROM app.tasks WHERE status = 'failed'")).rows[0].n;
    expect(body).toMatchObject({ export: "tasks", cap: 50000, count: n, truncated: false });
    expect(body.tasks).toHaveLength(n);
    expect((await call(tasksExport.GET, "/api/export/tasks?format=xml")).status).toBe(400);
    expect((await call(tasksExport.GET, "/api/export/tasks?job_id=%00")).status).toBe(400);
    expect((await call(jobsExport.GET, "/api/export/jobs?job_type=%00")).status).toBe(400);
    expect((await call(jobsExport.GET, "/api/export/jobs?since=1")).status).toBe(400);
    expect((await call(tasksExport.GET, "/api/export/tasks", undefined, false)).status).toBe(401);
  });
});
