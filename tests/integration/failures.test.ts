import { beforeAll, describe, expect, it, vi } from "vitest";
import { testDatabase } from "../helpers/db";
import { bearer } from "../helpers/auth";
import { setAuthorization } from "../helpers/next-headers";
import { getFailureGroup, listFailureGroups, listFailureMembers, type FailureFilter } from "@/lib/failures/groups";
import { refreshFailures } from "@/lib/failures/rollup";
import { signatureOf } from "@/lib/failures/signature";

/**
 * Failure triage on the seeded demo data: the rollup against a plain regrouping of app.tasks and
 * app.jobs in TypeScript, incremental runs (new failures, retries, deletes), the lock, windows,
 * filters, paging, and the API's access rules and 400s.
 */
(process.env as Record<string, string>).NODE_ENV = "test";
vi.mock("next/headers", () => import("../helpers/next-headers"));

const db = testDatabase("failures");
const tokens = { reader: "", admin: "" };
beforeAll(async () => {
  [tokens.reader, tokens.admin] = await Promise.all([bearer("reader"), bearer("admin")]);
});

const filter = (f: Partial<FailureFilter> = {}): FailureFilter => ({
  window: "30d",
  sort: "count",
  limit: 200,
  offset: 0,
  ...f,
});

/** What the groups must be: every failed task and job of the window, grouped in TypeScript. */
async function expectedGroups(days: number): Promise<Map<string, number>> {
  const rows = await db.client.query<{ message: string | null }>(
    `SELECT error_message AS message FROM app.tasks
      WHERE status = 'failed' AND coalesce(updated_at, created_at) >= now() - make_interval(days => $1)
     UNION ALL
     SELECT coalesce(result_data->>'error', result_data->>'error_message', result_data->>'message') FROM app.jobs
      WHERE status = 'failed' AND coalesce(result_data->>'error', result_data->>'error_message', result_data->>'message') IS NOT NULL
        AND coalesce(updated_at, created_at) >= now() - make_interval(days => $1)`,
    [days],
  );
  const m = new Map<string, number>();
  for (const r of rows.rows) {
    const k = signatureOf(r.message).key;
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

async function addFailedTasks(jobId: string, n: number, message: (i: number) => string, status = "failed") {
  await db.client.query(
    `INSERT INTO app.jobs (job_id, job_type, status, stage, total_stages) VALUES ($1, 'triage_test', 'processing', 2, 3)
     ON CONFLICT DO NOTHING`,
    [jobId],
  );
  for (let i = 0; i < n; i++)
    await db.client.query(
      `INSERT INTO app.tasks (task_id, job_id, task_type, status, stage, error_message) VALUES ($1, $2, 'triage_chunk', $3, 2, $4)`,
      [`${jobId}-t${i}`, jobId, status, message(i)],
    );
}

describe("the failure rollup", () => {
  it("first run rebuilds: one row per failed task and job, grouped as signatureOf groups them", async () => {
    const run = await refreshFailures();
    expect(run).toMatchObject({ ran: true, mode: "rebuild" });
    const expected = await expectedGroups(31);
    expect(expected.size).toBeGreaterThan(3);
    const list = await listFailureGroups(filter());
    expect(new Map(list.groups.map((g) => [g.signature, g.count]))).toEqual(expected);
    const total = [...expected.values()].reduce((a, b) => a + b, 0);
    expect(list.total_failures).toBe(total);
    expect(list.total_groups).toBe(expected.size);
    expect(list.freshness.refreshed_at).not.toBeNull();
    // Sorted by count; shares add up to one; each trend sums to its count.
    const counts = list.groups.map((g) => g.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(list.groups.reduce((a, g) => a + g.share, 0)).toBeCloseTo(1, 6);
    for (const g of list.groups) expect(g.trend.reduce((a, b) => a + b, 0)).toBe(g.count);
    expect(list.groups[0].trend).toHaveLength(30);
  });

  it("an incremental run picks up new failures, drops retried ones, and marks a new group", async () => {
    await addFailedTasks("triage-job-1", 3, (i) => `TriageTestError: chunk ${i * 17} of layer lyr_${i} failed`);
    // Only what changed since the last run started (less its 15-minute overlap) is read.
    const changed = await db.client.query<{ n: number; all: number }>(
      `SELECT (SELECT count(*) FROM app.tasks WHERE updated_at >= r.watermark - interval '15 minutes')
            + (SELECT count(*) FROM app.jobs WHERE updated_at >= r.watermark - interval '15 minutes') AS n,
              (SELECT count(*) FROM app.tasks)::int AS all
         FROM console.failure_rollup r`,
    );
    const run = await refreshFailures();
    expect(run).toMatchObject({ ran: true, mode: "incremental", rows: Number(changed.rows[0].n) });
    expect(Number(changed.rows[0].n)).toBeLessThan(changed.rows[0].all / 2);
    const key = signatureOf("TriageTestError: chunk 1 of layer lyr_9 failed").key;
    const g = await getFailureGroup(key, "24h");
    expect(g).toMatchObject({
      count: 3,
      tasks: 3,
      jobs: 0,
      jobs_affected: 1,
      is_new: true,
      job_types: ["triage_test"],
      stages: [2],
      error_class: "TriageTestError",
      template: "TriageTestError: chunk <n> of layer lyr_<n> failed",
    });
    expect(g!.examples).toHaveLength(3);
    expect(g!.examples[0].message).toMatch(/^TriageTestError: chunk \d+ of layer lyr_\d failed$/);

    // A retry (failed → pending) leaves the group; the pipeline's trigger bumps updated_at.
    await db.client.query("UPDATE app.tasks SET status = 'pending' WHERE task_id = 'triage-job-1-t0'");
    await refreshFailures();
    expect((await getFailureGroup(key, "24h"))!.count).toBe(2);
  });

  it("a failure that changes its message moves to the other group", async () => {
    await db.client.query(
      "UPDATE app.tasks SET error_message = 'TriageOtherError: out of disk' WHERE task_id = 'triage-job-1-t1'",
    );
    await refreshFailures();
    const moved = await getFailureGroup(signatureOf("TriageOtherError: out of disk").key, "24h");
    expect(moved!.count).toBe(1);
    expect(
      (await getFailureGroup(signatureOf("TriageTestError: chunk 1 of layer lyr_1 failed").key, "24h"))!.count,
    ).toBe(1);
  });

  it("deleted tasks leave on the prune cadence", async () => {
    await db.client.query("DELETE FROM app.tasks WHERE task_id = 'triage-job-1-t2'");
    await db.client.query("UPDATE console.failure_rollup SET pruned_at = now() - interval '2 hours'");
    await refreshFailures();
    const n = await db.client.query("SELECT 1 FROM console.failures WHERE id = 'triage-job-1-t2'");
    expect(n.rowCount).toBe(0);
  });

  it("one run at a time: a second caller is told busy while the lock is held", async () => {
    await db.client.query("SELECT pg_advisory_lock(hashtext('geoetl-console-failures'))");
    try {
      expect(await refreshFailures()).toEqual({ ran: false, reason: "busy" });
    } finally {
      await db.client.query("SELECT pg_advisory_unlock(hashtext('geoetl-console-failures'))");
    }
  });

  it("never writes the pipeline's tables", async () => {
    const before = await db.client.query(
      "SELECT n_tup_ins + n_tup_upd + n_tup_del AS n, relname FROM pg_stat_user_tables WHERE schemaname = 'app' ORDER BY relname",
    );
    await refreshFailures({ rebuild: true });
    await db.client.query("SELECT pg_stat_clear_snapshot()");
    const after = await db.client.query(
      "SELECT n_tup_ins + n_tup_upd + n_tup_del AS n, relname FROM pg_stat_user_tables WHERE schemaname = 'app' ORDER BY relname",
    );
    expect(after.rows).toEqual(before.rows);
  });

  it("windows: a failure two days old is in 7 d and not in 24 h", async () => {
    await db.client.query(
      `INSERT INTO app.tasks (task_id, job_id, task_type, status, stage, error_message, created_at, updated_at)
       VALUES ('triage-old', 'triage-job-1', 'triage_chunk', 'failed', 3, 'TriageOldError: stale', now() - interval '2 days', now() - interval '2 days')`,
    );
    // Written with an old updated_at (a backfill): only a rebuild sees it (README: rollup).
    await refreshFailures({ rebuild: true });
    const key = signatureOf("TriageOldError: stale").key;
    expect((await listFailureGroups(filter({ window: "24h" }))).groups.map((g) => g.signature)).not.toContain(key);
    const week = await listFailureGroups(filter({ window: "7d" }));
    expect(week.groups.find((g) => g.signature === key)).toMatchObject({ count: 1, is_new: true });
    expect(new Map(week.groups.map((g) => [g.signature, g.count]))).toEqual(await expectedGroups(7));
  });

  it("filters by job type, stage, source and text, sorts and pages", async () => {
    const byType = await listFailureGroups(filter({ jobType: "triage_test" }));
    expect(byType.groups.every((g) => g.job_types.includes("triage_test"))).toBe(true);
    expect(byType.total_failures).toBe(2); // t1 (its message changed) and triage-old; t0 retried, t2 deleted
    const stage3 = await listFailureGroups(filter({ jobType: "triage_test", stage: 3 }));
    expect(stage3.groups.map((g) => g.template)).toEqual(["TriageOldError: stale"]);
    const text = await listFailureGroups(filter({ q: "triageother" }));
    expect(text.groups.map((g) => g.template)).toEqual(["TriageOtherError: out of disk"]);
    const pct = await listFailureGroups(filter({ q: "100%" }));
    expect(pct.groups).toEqual([]); // % is a literal, not a wildcard
    const jobsOnly = await listFailureGroups(filter({ source: "job" }));
    for (const g of jobsOnly.groups) expect(g.tasks).toBe(0);
    const newest = await listFailureGroups(filter({ sort: "newest" }));
    const firsts = newest.groups.map((g) => g.first_seen!);
    expect(firsts).toEqual([...firsts].sort().reverse());
    const all = await listFailureGroups(filter());
    const pages = [];
    for (let offset = 0; offset < all.total_groups; offset += 2)
      pages.push(...(await listFailureGroups(filter({ limit: 2, offset }))).groups.map((g) => g.signature));
    expect(pages).toEqual(all.groups.map((g) => g.signature));
  });

  it("trends follow the filters, totals survive paging past the end, examples stay unique", async () => {
    for (const source of ["job", "task"] as const)
      for (const g of (await listFailureGroups(filter({ source }))).groups)
        expect(
          g.trend.reduce((a, b) => a + b, 0),
          `${source} ${g.template}`,
        ).toBe(g.count);
    const all = await listFailureGroups(filter());
    const past = await listFailureGroups(filter({ offset: 10_000 }));
    expect(past.groups).toEqual([]);
    expect([past.total_failures, past.total_groups]).toEqual([all.total_failures, all.total_groups]);
    // The overlap reads recent rows again on the next runs: an example is still listed once.
    await refreshFailures();
    await refreshFailures();
    for (const g of all.groups) {
      const d = await getFailureGroup(g.signature, "30d");
      const ids = d!.examples.map((e) => `${e.source}:${e.id}`);
      expect(new Set(ids).size, g.template).toBe(ids.length);
    }
  });

  it("a message cut inside an emoji, and odd timestamps, do not stop the rollup", async () => {
    await db.client.query(
      `INSERT INTO app.tasks (task_id, job_id, task_type, status, stage, error_message, created_at, updated_at) VALUES
         ('triage-emoji', 'triage-job-1', 'triage_chunk', 'failed', 1, 'EmojiError: ' || repeat('x', 3987) || '😀 tail', now(), now()),
         ('triage-future', 'triage-job-1', 'triage_chunk', 'failed', 1, 'FutureError: skewed clock', now() - interval '3 days', 'infinity')`,
    );
    const run = await refreshFailures();
    expect(run.ran).toBe(true);
    const emoji = await getFailureGroup(signatureOf(`EmojiError: ${"x".repeat(3987)}😀 tail`).key, "24h");
    expect(emoji!.examples[0].message.length).toBeLessThanOrEqual(4000);
    // updated_at = infinity: the failure counts at its created_at, not "now" on every run.
    const future = await getFailureGroup(signatureOf("FutureError: skewed clock").key, "7d");
    expect(future).toMatchObject({ count: 1 });
    expect(Date.parse(future!.last_seen!)).toBeLessThan(Date.now() - 2 * 86_400_000);
  });

  it("a group's members page by keyset, newest first, each once", async () => {
    const biggest = (await listFailureGroups(filter())).groups[0];
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 1000; i++) {
      const page = await listFailureMembers(biggest.signature, "30d", { limit: 7, cursor });
      seen.push(...page.rows.map((r) => `${r.source}:${r.id}`));
      if (!page.next_cursor) break;
      cursor = page.next_cursor;
    }
    expect(seen).toHaveLength(biggest.count);
    expect(new Set(seen).size).toBe(seen.length);
    const first = await listFailureMembers(biggest.signature, "30d", { limit: 7 });
    const times = first.rows.map((r) => r.failed_at!);
    expect(times).toEqual([...times].sort().reverse());
    expect(first.rows[0]).toMatchObject({ status: "failed", job_id: expect.any(String) });
  });
});

describe("the failures API", async () => {
  const list = await import("@/app/api/dbadmin/failures/route");
  const one = await import("@/app/api/dbadmin/failures/[signature]/route");
  const refresh = await import("@/app/api/dbadmin/failures/refresh/route");
  const exp = await import("@/app/api/export/failures/route");
  const get = async (
    h: (r: Request, c: never) => Promise<Response>,
    path: string,
    who: "reader" | "admin" | null = "reader",
    params: Record<string, string> = {},
    method = "GET",
  ) => {
    setAuthorization(who ? tokens[who] : null);
    return h(new Request(`http://console.test${path}`, { method }), { params: Promise.resolve(params) } as never);
  };

  it("lists groups for a reader, with filters applied and freshness", async () => {
    const res = await get(list.GET, "/api/dbadmin/failures?window=7d&sort=last_seen&limit=5");
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      window: "7d",
      limit: 5,
      offset: 0,
      filters_applied: { window: "7d", sort: "last_seen" },
    });
    expect(body.groups.length).toBeGreaterThan(0);
    expect(body.groups[0]).toEqual(
      expect.objectContaining({ signature: expect.stringMatching(/^[0-9a-f]{16}$/), count: expect.any(Number) }),
    );
    expect(body.freshness.refreshed_at).toEqual(expect.any(String));
  });

  it("answers 400 naming the field, 401 without a caller, 404 for an unknown group", async () => {
    for (const [q, field] of [
      ["window=2h", "window"],
      ["sort=biggest", "sort"],
      ["stage=x", "stage"],
      ["limit=0", "limit"],
      ["offset=-1", "offset"],
      ["q=a%00b", "q"],
      ["source=both", "source"],
    ]) {
      const res = await get(list.GET, `/api/dbadmin/failures?${q}`);
      expect(res.status, q).toBe(400);
      expect((await res.json()).error.message, q).toContain(field);
    }
    expect((await get(list.GET, "/api/dbadmin/failures", null)).status).toBe(401);
    expect((await get(one.GET, "/api/dbadmin/failures/zz", "reader", { signature: "zz" })).status).toBe(400);
    const missing = await get(one.GET, "/api/dbadmin/failures/0000000000000000", "reader", {
      signature: "0000000000000000",
    });
    expect(missing.status).toBe(404);
    const bad = await get(one.GET, "/api/dbadmin/failures/x?cursor=nope", "reader", {
      signature: signatureOf("TriageOldError: stale").key,
    });
    expect(bad.status).toBe(400);
  });

  it("gives a group with its members and exports them", async () => {
    const key = signatureOf("TriageOldError: stale").key;
    const res = await get(one.GET, `/api/dbadmin/failures/${key}?window=7d`, "reader", { signature: key });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ signature: key, count: 1, members: [{ id: "triage-old", source: "task" }] });
    const csv = await get(exp.GET, `/api/export/failures?signature=${key}&window=7d&format=csv`);
    expect(csv.status).toBe(200);
    const text = await csv.text();
    expect(text.split("\r\n")[0]).toMatch(/^source,id,job_id/);
    expect(text).toContain("triage-old");
  });

  it("refresh is for admins: a reader gets 403 and nothing runs; an admin's run is audited", async () => {
    const before = await db.client.query<{ refreshed_at: string }>(
      "SELECT refreshed_at::text FROM console.failure_rollup",
    );
    expect((await get(refresh.POST, "/api/dbadmin/failures/refresh", "reader", {}, "POST")).status).toBe(403);
    expect((await get(refresh.POST, "/api/dbadmin/failures/refresh", null, {}, "POST")).status).toBe(401);
    const mid = await db.client.query("SELECT refreshed_at::text FROM console.failure_rollup");
    expect(mid.rows).toEqual(before.rows);
    const res = await get(refresh.POST, "/api/dbadmin/failures/refresh?rebuild=true", "admin", {}, "POST");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ran: true, mode: "rebuild" });
    const audit = await db.client.query(
      "SELECT outcome, details FROM console.audit_log WHERE action = 'failures.rebuild' ORDER BY id DESC LIMIT 1",
    );
    expect(audit.rows[0]).toMatchObject({ outcome: "success", details: { mode: "rebuild" } });
  });
});
