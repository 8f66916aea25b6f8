import { describe, expect, it } from "vitest";
import { testDatabase } from "../helpers/db";
import { AppError } from "@/lib/api/errors";
import { encodeCursor } from "@/lib/db/cursor";
import { countOrEstimate } from "@/lib/db/estimate";
import { countJobs, getJob, jobFilterFromParams, listJobs, listJobTypes, type JobFilter } from "@/lib/db/jobs";
import { jobListSchema } from "@/lib/db/jobs-params";
import { getOverviewCounts, jobsPerHour, latestFailures, pgstacInfo } from "@/lib/db/overview";

const db = testDatabase("jobs");

const f = (over: Partial<JobFilter> = {}): JobFilter => ({ sort: "created", limit: 25, ...over });

async function walk(filter: JobFilter) {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 1000; i++) {
    const page = await listJobs({ ...filter, cursor });
    ids.push(...page.jobs.map((j) => j.job_id));
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return ids;
}

describe("listJobs", () => {
  it("pages through every job exactly once, newest first, matching SQL order", async () => {
    const ids = await walk(f({ limit: 500 }));
    const expected = await db.client.query<{ job_id: string }>(
      "SELECT job_id FROM app.jobs ORDER BY created_at DESC, job_id DESC",
    );
    expect(ids.length).toBeGreaterThan(1000);
    expect(ids).toEqual(expected.rows.map((r) => r.job_id));
  });

  it("filters by several statuses and keeps the global order", async () => {
    const ids = await walk(f({ statuses: ["failed", "queued"], limit: 40 }));
    const expected = await db.client.query<{ job_id: string }>(
      "SELECT job_id FROM app.jobs WHERE status IN ('failed','queued') ORDER BY created_at DESC, job_id DESC",
    );
    expect(expected.rows.length).toBeGreaterThan(40);
    expect(ids).toEqual(expected.rows.map((r) => r.job_id));
  });

  it("filters by job type and a time window given in hours", async () => {
    const now = new Date();
    const params = jobListSchema.parse({ job_type: "process_raster", hours: "72", limit: "1000" });
    const page = await listJobs(jobFilterFromParams(params, now));
    const expected = await db.client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM app.jobs WHERE job_type = 'process_raster' AND created_at >= $1",
      [new Date(now.getTime() - 72 * 3_600_000)],
    );
    expect(expected.rows[0].n).toBeGreaterThan(0);
    expect(page.jobs).toHaveLength(expected.rows[0].n);
    for (const j of page.jobs) {
      expect(j.job_type).toBe("process_raster");
      expect(new Date(j.created_at!).getTime()).toBeGreaterThanOrEqual(now.getTime() - 72 * 3_600_000);
    }
  });

  it("finds jobs by id prefix, with LIKE wildcards taken literally", async () => {
    const some = (
      await db.client.query<{ job_id: string }>("SELECT job_id FROM app.jobs ORDER BY job_id LIMIT 1 OFFSET 100")
    ).rows[0].job_id;
    const page = await listJobs(f({ idPrefix: some.slice(0, 6) }));
    expect(page.jobs.map((j) => j.job_id)).toContain(some);
    for (const j of page.jobs) expect(j.job_id.startsWith(some.slice(0, 6))).toBe(true);

    await db.client.query(
      `INSERT INTO app.jobs (job_id, job_type, status) VALUES ('zz_literal', 'test', 'queued'), ('zzXliteral', 'test', 'queued')`,
    );
    const lit = await listJobs(f({ idPrefix: "zz_" }));
    expect(lit.jobs.map((j) => j.job_id)).toEqual(["zz_literal"]);
    await db.client.query("DELETE FROM app.jobs WHERE job_id IN ('zz_literal', 'zzXliteral')");
  });

  it("keeps its place when new jobs arrive between pages (no duplicates, no gaps)", async () => {
    const before = await db.client.query<{ job_id: string }>(
      "SELECT job_id FROM app.jobs ORDER BY created_at DESC, job_id DESC LIMIT 40",
    );
    const p1 = await listJobs(f({ limit: 20 }));
    expect(p1.jobs.map((j) => j.job_id)).toEqual(before.rows.slice(0, 20).map((r) => r.job_id));
    // Newer jobs land on page 1, and one lands inside page 1's time range.
    const mid = p1.jobs[10].created_at!;
    await db.client.query(
      `INSERT INTO app.jobs (job_id, job_type, status, created_at, updated_at)
       SELECT 'new-' || g, 'test', 'queued', now() + g * interval '1 second', now() FROM generate_series(1, 5) g`,
    );
    await db.client.query(
      `INSERT INTO app.jobs (job_id, job_type, status, created_at) VALUES ('mid-insert', 'test', 'queued', $1)`,
      [mid],
    );
    const p2 = await listJobs(f({ limit: 20, cursor: p1.next_cursor! }));
    expect(p2.jobs.map((j) => j.job_id)).toEqual(before.rows.slice(20, 40).map((r) => r.job_id));
    // Going back from page 2 gives page 1's rows as they are now (including the mid insert).
    const back = await listJobs(f({ limit: 20, cursor: p2.prev_cursor! }));
    expect(back.jobs.map((j) => j.job_id)).toContain("mid-insert");
    expect(back.jobs.at(-1)!.job_id).toBe(before.rows[19].job_id);
    expect(back.prev_cursor).not.toBeNull(); // the new jobs are before it now
    await db.client.query("DELETE FROM app.jobs WHERE job_id LIKE 'new-%' OR job_id = 'mid-insert'");
  });

  it("pages back to the first page exactly, and the first page has no prev cursor", async () => {
    const p1 = await listJobs(f({ limit: 15, sort: "updated" }));
    expect(p1.prev_cursor).toBeNull();
    const p2 = await listJobs(f({ limit: 15, sort: "updated", cursor: p1.next_cursor! }));
    const p3 = await listJobs(f({ limit: 15, sort: "updated", cursor: p2.next_cursor! }));
    const back2 = await listJobs(f({ limit: 15, sort: "updated", cursor: p3.prev_cursor! }));
    expect(back2.jobs.map((j) => j.job_id)).toEqual(p2.jobs.map((j) => j.job_id));
    const back1 = await listJobs(f({ limit: 15, sort: "updated", cursor: back2.prev_cursor! }));
    expect(back1.jobs.map((j) => j.job_id)).toEqual(p1.jobs.map((j) => j.job_id));
    expect(back1.prev_cursor).toBeNull();
    const updated = p1.jobs.map((j) => Date.parse(j.updated_at!));
    expect([...updated].sort((a, b) => b - a)).toEqual(updated);
  });

  it("answers a prev cursor with nothing before it with the first page (as its comment says)", async () => {
    const first = await listJobs(f({ limit: 10 }));
    // A position above the newest job: rows before it were deleted meanwhile, or the link is old.
    const cursor = encodeCursor({ direction: "prev", sort: "created", key: "2999-01-01T00:00:00.000000Z", id: "zzz" });
    const page = await listJobs(f({ limit: 10, cursor }));
    expect(page.jobs.map((j) => j.job_id)).toEqual(first.jobs.map((j) => j.job_id));
    expect(page.prev_cursor).toBeNull();
    expect(page.next_cursor).toEqual(first.next_cursor);
  });

  it("refuses a forged cursor and one made for another sort", async () => {
    await expect(listJobs(f({ cursor: "not-a-cursor" }))).rejects.toMatchObject({ code: "bad_request" });
    const p1 = await listJobs(f({ limit: 5, sort: "updated" }));
    const err = await listJobs(f({ limit: 5, sort: "created", cursor: p1.next_cursor! })).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).message).toMatch(/sort=updated/);
  });

  it("shapes rows: duration only for finished jobs, first error line for failed ones", async () => {
    const failed = await listJobs(f({ statuses: ["failed"], limit: 5 }));
    for (const j of failed.jobs) {
      expect(j.duration_seconds).not.toBeNull();
      expect(j.error).toBeTruthy();
      expect(j.error).not.toContain("\n");
      expect(j).not.toHaveProperty("parameters");
    }
    const running = await listJobs(f({ statuses: ["processing"], limit: 5 }));
    for (const j of running.jobs) expect(j.duration_seconds).toBeNull();
  });

  it("lists the job types", async () => {
    const types = await listJobTypes();
    const expected = await db.client.query<{ job_type: string }>("SELECT DISTINCT job_type FROM app.jobs ORDER BY 1");
    expect(types).toEqual(expected.rows.map((r) => r.job_type));
  });
});

describe("counts", () => {
  it("is exact when small", async () => {
    const c = await countJobs(f({ statuses: ["failed"] }));
    const n = (await db.client.query<{ n: number }>("SELECT count(*)::int AS n FROM app.jobs WHERE status = 'failed'"))
      .rows[0].n;
    expect(c).toEqual({ value: n, exact: true });
  });

  it("falls back to an estimate past the exact limit", async () => {
    const c = await countOrEstimate("SELECT 1 FROM app.jobs", [], 100);
    expect(c.exact).toBe(false);
    expect(c.value).toBeGreaterThan(100);
  });
});

describe("getJob", () => {
  it("returns the job with a stage timeline that adds up to its tasks", async () => {
    const big = (
      await db.client.query<{ job_id: string; n: number }>(
        "SELECT job_id, count(*)::int AS n FROM app.tasks GROUP BY job_id ORDER BY 2 DESC LIMIT 1",
      )
    ).rows[0];
    const job = await getJob(big.job_id);
    expect(job).not.toBeNull();
    expect(job!.task_counts.total).toBe(big.n);
    expect(job!.stages.reduce((a, s) => a + s.total, 0)).toBe(big.n);
    expect(job!.stages.length).toBeGreaterThanOrEqual(job!.total_stages);
    for (const s of job!.stages) {
      expect(s.counts.pending + s.counts.processing + s.counts.completed + s.counts.failed).toBe(s.total);
      if (s.state === "done") expect(s.duration_seconds).not.toBeNull();
    }
    expect(job!.parameters).toBeTypeOf("object");
  });

  it("returns null for an unknown id", async () => {
    expect(await getJob("does-not-exist")).toBeNull();
  });

  it("a corrupt total_stages (2,000,000,000) is not a loop bound: the stages with tasks plus at most 100 empty ones, the rest counted", async () => {
    const { rows } = await db.client.query<{ job_id: string }>(
      `SELECT job_id FROM app.jobs WHERE job_id IN (SELECT job_id FROM app.tasks) LIMIT 1`,
    );
    const id = rows[0].job_id;
    const withTasks = (
      await db.client.query(`SELECT count(DISTINCT stage)::int AS n FROM app.tasks WHERE job_id = $1`, [id])
    ).rows[0].n;
    await db.client.query(`UPDATE app.jobs SET total_stages = 2000000000 WHERE job_id = $1`, [id]);
    const started = Date.now();
    const job = (await getJob(id))!;
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(job.stages.length).toBeLessThanOrEqual(100 + withTasks);
    expect(job.stages.reduce((a, s) => a + s.total, 0)).toBe(job.task_counts.total);
    expect(job.hidden_empty_stages).toBeGreaterThan(1_999_999_000);
    await db.client.query(`UPDATE app.jobs SET total_stages = -5 WHERE job_id = $1`, [id]);
    expect((await getJob(id))!.stages.length).toBe(withTasks);
  });

  it("counts stuck tasks per stage from the heartbeat age", async () => {
    const t = (
      await db.client.query<{ task_id: string; job_id: string; stage: number }>(
        "SELECT task_id, job_id, stage FROM app.tasks WHERE status = 'completed' ORDER BY task_id LIMIT 1",
      )
    ).rows[0];
    const before = (await getJob(t.job_id))!.stages.find((s) => s.stage === t.stage)!.stuck;
    await db.client.query(
      "UPDATE app.tasks SET status = 'processing', heartbeat = now() - interval '11 minutes' WHERE task_id = $1",
      [t.task_id],
    );
    expect((await getJob(t.job_id))!.stages.find((s) => s.stage === t.stage)!.stuck).toBe(before + 1);
    await db.client.query("UPDATE app.tasks SET heartbeat = now() - interval '5 minutes' WHERE task_id = $1", [
      t.task_id,
    ]);
    expect((await getJob(t.job_id))!.stages.find((s) => s.stage === t.stage)!.stuck).toBe(before);
    await db.client.query("UPDATE app.tasks SET status = 'completed', heartbeat = NULL WHERE task_id = $1", [
      t.task_id,
    ]);
  });
});

describe("overview", () => {
  it("counts jobs and tasks by status exactly on a small database", async () => {
    const o = await getOverviewCounts();
    const jobs = await db.client.query<{ status: string; n: number }>(
      "SELECT status, count(*)::int AS n FROM app.jobs GROUP BY 1",
    );
    for (const r of jobs.rows) expect(o.jobs.by_status[r.status as keyof typeof o.jobs.by_status]).toBe(r.n);
    expect(o.jobs.total).toBe(jobs.rows.reduce((a, r) => a + r.n, 0));
    expect(o.jobs.exact).toBe(true);
    const stuck = await db.client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM app.tasks WHERE status = 'processing' AND coalesce(heartbeat, updated_at) < now() - interval '10 minutes'",
    );
    expect(stuck.rows[0].n).toBeGreaterThan(0);
    expect(o.stuck_tasks).toBe(stuck.rows[0].n);
    expect(o.schemas).toEqual(expect.arrayContaining(["app", "geo", "pgstac"]));
    expect(o.pgstac).toMatchObject({ present: true, version: "0.9.8" });
  });

  it("buckets jobs per hour by status, 24 buckets for 24 h and 168 for 7 d", async () => {
    const now = new Date();
    const day = await jobsPerHour("24h", { now });
    expect(day).toHaveLength(24);
    const start = new Date(day[0].hour);
    const n = (
      await db.client.query<{ n: number }>("SELECT count(*)::int AS n FROM app.jobs WHERE created_at >= $1", [start])
    ).rows[0].n;
    expect(day.reduce((a, b) => a + b.total, 0)).toBe(n);
    for (const b of day) expect(Object.values(b.counts).reduce((a, v) => a + v, 0)).toBe(b.total);
    expect(await jobsPerHour("7d", { now })).toHaveLength(168);
  });

  it("lists the latest failures with a one-line error", async () => {
    const fails = await latestFailures(5);
    expect(fails.length).toBe(5);
    const expected = await db.client.query<{ job_id: string }>(
      "SELECT job_id FROM app.jobs WHERE status = 'failed' ORDER BY updated_at DESC, job_id DESC LIMIT 5",
    );
    expect(fails.map((x) => x.job_id)).toEqual(expected.rows.map((r) => r.job_id));
    for (const x of fails) {
      expect(x.error).toBeTruthy();
      expect(x.error).not.toContain("\n");
    }
  });

  it("reports a broken pgSTAC with a fixed phrase, not the driver's text", async () => {
    await db.client.query("ALTER FUNCTION pgstac.get_version() RENAME TO get_version_away");
    try {
      expect(await pgstacInfo()).toEqual({
        present: true,
        version: null,
        standIn: false,
        label: "pgSTAC (version unreadable)",
        problem: "pgstac.get_version() failed (SQLSTATE 42883)",
      });
    } finally {
      await db.client.query("ALTER FUNCTION pgstac.get_version_away() RENAME TO get_version");
    }
  });

  it("says pgSTAC is missing instead of failing when the schema is gone", async () => {
    await db.client.query("DROP SCHEMA pgstac CASCADE");
    expect(await pgstacInfo()).toEqual({
      present: false,
      version: null,
      standIn: false,
      label: "not installed",
      problem: null,
    });
    const o = await getOverviewCounts();
    expect(o.pgstac.present).toBe(false);
    expect(o.schemas).not.toContain("pgstac");
  });
});
