import { describe, expect, it } from "vitest";
import { testDatabase } from "../helpers/db";
import { encodeCursor } from "@/lib/db/cursor";
import { countStuckTasks, STUCK_COUNT_CAP } from "@/lib/db/overview";
import { countTasks, listJobTasks, listTasks, listTaskTypes } from "@/lib/db/tasks";

const db = testDatabase("tasks");

describe("listTasks", () => {
  it("lists failed tasks newest first and pages through all of them once", async () => {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 100; i++) {
      const p = await listTasks({ statuses: ["failed"], limit: 100, cursor });
      for (const t of p.tasks) expect(t.status).toBe("failed");
      ids.push(...p.tasks.map((t) => t.task_id));
      if (!p.next_cursor) break;
      cursor = p.next_cursor;
    }
    const expected = await db.client.query<{ task_id: string }>(
      "SELECT task_id FROM app.tasks WHERE status = 'failed' ORDER BY created_at DESC, task_id DESC",
    );
    expect(expected.rows.length).toBeGreaterThan(100);
    expect(ids).toEqual(expected.rows.map((r) => r.task_id));
  });

  it("filters by task type and by job", async () => {
    const types = await listTaskTypes();
    expect(types.length).toBeGreaterThan(1);
    const p = await listTasks({ taskType: types[0], limit: 50 });
    expect(p.tasks.length).toBeGreaterThan(0);
    for (const t of p.tasks) expect(t.task_type).toBe(types[0]);
    const job = p.tasks[0].job_id;
    const byJob = await listTasks({ jobId: job, limit: 1000 });
    const n = (
      await db.client.query<{ n: number }>("SELECT count(*)::int AS n FROM app.tasks WHERE job_id = $1", [job])
    ).rows[0].n;
    expect(byJob.tasks).toHaveLength(Math.min(n, 1000));
    expect(await countTasks({ jobId: job })).toEqual({ value: n, exact: true });
  });

  it("stuck only: processing with a heartbeat older than the threshold (10 min)", async () => {
    const p = await listTasks({ stuckOnly: true, limit: 1000 });
    const expected = await db.client.query<{ task_id: string }>(
      "SELECT task_id FROM app.tasks WHERE status = 'processing' AND coalesce(heartbeat, updated_at) < now() - interval '10 minutes' ORDER BY created_at DESC, task_id DESC",
    );
    expect(expected.rows.length).toBeGreaterThan(0);
    expect(p.tasks.map((t) => t.task_id)).toEqual(expected.rows.map((r) => r.task_id));
    for (const t of p.tasks) {
      expect(t.stuck).toBe(true);
      expect(t.heartbeat_age_seconds).toBeGreaterThan(600);
    }
    expect(p.stuck_threshold_minutes).toBe(10);
    expect(await countStuckTasks()).toEqual({ count: expected.rows.length, capped: false });

    // A fresh heartbeat is not stuck; one just past the threshold is.
    const victim = (
      await db.client.query<{ task_id: string }>("SELECT task_id FROM app.tasks WHERE status = 'pending' LIMIT 1")
    ).rows[0].task_id;
    await db.client.query(
      "UPDATE app.tasks SET status = 'processing', heartbeat = now() - interval '9 minutes' WHERE task_id = $1",
      [victim],
    );
    expect((await listTasks({ stuckOnly: true, limit: 1000 })).tasks.map((t) => t.task_id)).not.toContain(victim);
    const fresh = (
      await listTasks({
        jobId: (await db.client.query("SELECT job_id FROM app.tasks WHERE task_id = $1", [victim])).rows[0].job_id,
        statuses: ["processing"],
        limit: 1000,
      })
    ).tasks.find((t) => t.task_id === victim)!;
    expect(fresh.stuck).toBe(false);
    await db.client.query(
      "UPDATE app.tasks SET heartbeat = now() - interval '10 minutes 5 seconds' WHERE task_id = $1",
      [victim],
    );
    expect((await listTasks({ stuckOnly: true, limit: 1000 })).tasks.map((t) => t.task_id)).toContain(victim);
    expect(await countStuckTasks()).toEqual({ count: expected.rows.length + 1, capped: false });
  });

  it("counts stuck tasks exactly up to the cap, then says 'more than' (a dead worker fleet must not slow every view)", async () => {
    const job = (await db.client.query<{ job_id: string }>("SELECT job_id FROM app.jobs LIMIT 1")).rows[0].job_id;
    await db.client.query(
      `INSERT INTO app.tasks (task_id, job_id, task_type, status, stage, heartbeat, created_at)
       SELECT 'dead-' || g, $1, 'vector_chunk', 'processing', 1, now() - interval '2 hours', now() - interval '3 hours'
         FROM generate_series(1, $2::int) g`,
      [job, STUCK_COUNT_CAP + 5],
    );
    expect(await countStuckTasks()).toEqual({ count: STUCK_COUNT_CAP, capped: true });
  });

  it("keeps its place when tasks are inserted between pages", async () => {
    const p1 = await listTasks({ limit: 30 });
    const expected = await db.client.query<{ task_id: string }>(
      "SELECT task_id FROM app.tasks ORDER BY created_at DESC, task_id DESC LIMIT 60",
    );
    const job = p1.tasks[0].job_id;
    await db.client.query(
      `INSERT INTO app.tasks (task_id, job_id, task_type, status, stage, created_at)
       SELECT 'inserted-' || g, $1, 'test', 'pending', 1, now() + g * interval '1 second' FROM generate_series(1, 10) g`,
      [job],
    );
    const p2 = await listTasks({ limit: 30, cursor: p1.next_cursor! });
    expect(p2.tasks.map((t) => t.task_id)).toEqual(expected.rows.slice(30, 60).map((r) => r.task_id));
    await db.client.query("DELETE FROM app.tasks WHERE task_id LIKE 'inserted-%'");
  });
});

describe("listJobTasks", () => {
  it("walks a big job's tasks in stage order, forward and back", async () => {
    const big = (
      await db.client.query<{ job_id: string; n: number }>(
        "SELECT job_id, count(*)::int AS n FROM app.tasks GROUP BY job_id ORDER BY 2 DESC LIMIT 1",
      )
    ).rows[0];
    expect(big.n).toBeGreaterThan(1000);
    const ids: string[] = [];
    const pages: string[][] = [];
    let cursor: string | undefined;
    let last: Awaited<ReturnType<typeof listJobTasks>> | undefined;
    for (let i = 0; i < 100; i++) {
      last = await listJobTasks(big.job_id, { limit: 400, cursor });
      pages.push(last.tasks.map((t) => t.task_id));
      ids.push(...last.tasks.map((t) => t.task_id));
      if (!last.next_cursor) break;
      cursor = last.next_cursor;
    }
    const expected = await db.client.query<{ task_id: string }>(
      "SELECT task_id FROM app.tasks WHERE job_id = $1 ORDER BY stage, task_id",
      [big.job_id],
    );
    expect(ids).toEqual(expected.rows.map((r) => r.task_id));
    const back = await listJobTasks(big.job_id, { limit: 400, cursor: last!.prev_cursor! });
    expect(back.tasks.map((t) => t.task_id)).toEqual(pages[pages.length - 2]);
  });

  it("filters one stage and a status", async () => {
    const row = (
      await db.client.query<{ job_id: string; stage: number }>(
        "SELECT job_id, stage FROM app.tasks WHERE status = 'failed' LIMIT 1",
      )
    ).rows[0];
    const p = await listJobTasks(row.job_id, { stage: row.stage, statuses: ["failed"], limit: 1000 });
    expect(p.tasks.length).toBeGreaterThan(0);
    for (const t of p.tasks) {
      expect(t.stage).toBe(row.stage);
      expect(t.status).toBe("failed");
      expect(t.error_message).toBeTruthy();
    }
  });

  it("answers an empty previous page with the first page, across jobs and within one", async () => {
    const first = await listTasks({ limit: 7 });
    const before = encodeCursor({ direction: "prev", sort: "created", key: "2999-01-01T00:00:00.000000Z", id: "zzz" });
    const page = await listTasks({ limit: 7, cursor: before });
    expect(page.tasks.map((t) => t.task_id)).toEqual(first.tasks.map((t) => t.task_id));
    expect(page.prev_cursor).toBeNull();

    const jobId = first.tasks[0].job_id;
    const own = await listJobTasks(jobId, { limit: 3 });
    const ownPage = await listJobTasks(jobId, {
      limit: 3,
      cursor: encodeCursor({ direction: "prev", sort: "stage", key: "0", id: "" }),
    });
    expect(ownPage.tasks.map((t) => t.task_id)).toEqual(own.tasks.map((t) => t.task_id));
    expect(ownPage.prev_cursor).toBeNull();
  });

  it("refuses a cursor from another list", async () => {
    const p = await listTasks({ limit: 2 });
    await expect(listJobTasks(p.tasks[0].job_id, { limit: 2, cursor: p.next_cursor! })).rejects.toMatchObject({
      code: "bad_request",
    });
  });
});
