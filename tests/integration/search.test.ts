import { beforeAll, describe, expect, it, vi } from "vitest";
import { testDatabase } from "../helpers/db";
import { setAuthorization } from "../helpers/next-headers";
import { bearer } from "../helpers/auth";
import { likePrefix } from "@/lib/db/like";
import {
  JOB_PREFIX_SQL,
  SEARCH_MAX_RESULTS,
  SEARCH_PAGES,
  SEARCH_PER_KIND,
  TASK_PREFIX_SQL,
  type SearchResult,
} from "@/lib/db/search";

/**
 * GET /api/search (the command palette): the plans of the id-prefix queries on a big table, what
 * each kind finds and links to, the 20-result cap, wildcards taken literally, 400s, who may call.
 * The route handler runs for real; only next/headers is replaced (see jobs-api.test.ts).
 */
(process.env as Record<string, string>).NODE_ENV = "test";
vi.mock("next/headers", () => import("../helpers/next-headers"));

const db = testDatabase("search");
let readerToken = "";
let adminToken = "";

beforeAll(async () => {
  [readerToken, adminToken] = await Promise.all([bearer("reader"), bearer("admin")]);
});

const { GET } = await import("@/app/api/search/route");

async function call(qs: string, token: string | null = readerToken): Promise<Response> {
  setAuthorization(token);
  return GET(new Request(`http://console.test/api/search${qs}`), undefined as never);
}

async function results(q: string): Promise<SearchResult[]> {
  const res = await call(`?q=${encodeURIComponent(q)}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: SearchResult[] }).results;
}

const ofKind = (rs: SearchResult[], kind: SearchResult["kind"]) => rs.filter((r) => r.kind === kind);

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

describe("the id-prefix queries on a large table", () => {
  beforeAll(async () => {
    // 50,000 more jobs with one task each, then fresh statistics: enough rows that the planner
    // would rather scan the table than an unsuitable index. enable_seqscan stays on.
    await db.client.query(`INSERT INTO app.jobs (job_id, job_type, status)
      SELECT md5('bulk' || g), 'bulk_load', 'completed' FROM generate_series(1, 50000) g`);
    await db.client.query(`INSERT INTO app.tasks (task_id, job_id, task_type, stage, status)
      SELECT left(md5('bulk' || g), 8) || '-s1-' || lpad(g::text, 5, '0'), md5('bulk' || g), 'bulk_load', 1, 'completed'
        FROM generate_series(1, 50000) g`);
    await db.client.query("ANALYZE app.jobs");
    await db.client.query("ANALYZE app.tasks");
    expect((await db.client.query("SHOW enable_seqscan")).rows[0].enable_seqscan).toBe("on");
  }, 120_000);

  it.each([
    ["job", JOB_PREFIX_SQL, "jobs", "idx_jobs_job_id_pattern"],
    ["task", TASK_PREFIX_SQL, "tasks", "idx_tasks_task_id_pattern"],
  ])("the %s-prefix query reads an index, never a sequential scan", async (_kind, sql, table, index) => {
    // A long prefix (a few rows) and a one-character one (1/16 of the table matches).
    for (const prefix of ["7e0eb20b", "a"]) {
      const plan = (await db.client.query(`EXPLAIN (FORMAT JSON) ${sql}`, [likePrefix(prefix), SEARCH_PER_KIND]))
        .rows[0]["QUERY PLAN"][0].Plan as PlanNode;
      const all = nodes(plan);
      const onTable = all.filter((n) => n["Relation Name"] === table);
      console.info(
        `search ${_kind} prefix "${prefix}": ${all.map((n) => `${n["Node Type"]}${n["Index Name"] ? ` using ${n["Index Name"]}` : ""}${n["Relation Name"] ? ` on app.${n["Relation Name"]}` : ""}`).join(" → ")}`,
      );
      expect(onTable.length).toBeGreaterThan(0);
      expect(onTable.filter((n) => n["Node Type"] === "Seq Scan")).toEqual([]);
      expect(onTable.map((n) => n["Index Name"])).toEqual(onTable.map(() => index));
      // Read in the index's order: no sort of the matching rows before the LIMIT.
      expect(all.map((n) => n["Node Type"])).not.toContain("Sort");
    }
  });

  it("still finds the bulk rows through the route", async () => {
    const rs = await results(`${(await db.client.query("SELECT left(md5('bulk1'), 10) AS p")).rows[0].p}`);
    expect(ofKind(rs, "job").map((r) => r.id)).toContain(
      (await db.client.query("SELECT md5('bulk1') AS id")).rows[0].id,
    );
  });
});

describe("GET /api/search: what each kind finds", () => {
  it("a job by the first characters of its id, linking to the job", async () => {
    // A demo job whose first 8 characters no other job shares.
    const { job_id, job_type, status } = (
      await db.client.query(`SELECT job_id, job_type, status FROM app.jobs j
         WHERE j.job_type <> 'bulk_load'
           AND NOT EXISTS (SELECT 1 FROM app.jobs k WHERE left(k.job_id, 8) = left(j.job_id, 8) AND k.job_id <> j.job_id)
         ORDER BY created_at, job_id LIMIT 1`)
    ).rows[0];
    const rs = await results(job_id.slice(0, 8));
    const jobs = ofKind(rs, "job");
    expect(jobs[0]).toEqual({
      kind: "job",
      id: job_id,
      title: job_id,
      subtitle: `${job_type} · ${status}`,
      href: `/jobs/${job_id}`,
    });
    // The job comes first, before its tasks (whose ids start with the same characters).
    expect(rs[0].kind).toBe("job");
  });

  it("a task by its id prefix, linking to its job's page on the task's stage", async () => {
    const t = (
      await db.client.query("SELECT task_id, job_id, stage FROM app.tasks WHERE stage = 2 ORDER BY task_id LIMIT 1")
    ).rows[0];
    const tasks = ofKind(await results(t.task_id), "task");
    expect(tasks[0]).toMatchObject({ id: t.task_id, title: t.task_id, href: `/jobs/${t.job_id}?stage=2#tasks` });
  });

  it("a layer by name or by title, case-insensitively, linking to the layer page", async () => {
    expect(ofKind(await results("world_coun"), "layer")).toEqual([
      {
        kind: "layer",
        id: "world_countries",
        title: "World Country Boundaries",
        subtitle: "geo.world_countries",
        href: "/geo/world_countries",
      },
    ]);
    expect(ofKind(await results("shipping rout"), "layer").map((r) => r.id)).toEqual(["shipping_routes"]);
    // Contains, not only prefix: "boundaries" is in two titles; name prefixes first.
    expect(
      ofKind(await results("BOUNDARIES"), "layer")
        .map((r) => r.id)
        .sort(),
    ).toEqual(["admin_boundaries_arcgis", "world_countries"]);
    await db.client.query("INSERT INTO geo.table_metadata (table_name, title) VALUES ('odd name/x', 'Odd layer')");
    expect(ofKind(await results("odd name"), "layer")[0].href).toBe("/geo/odd%20name%2Fx");
  });

  it("a STAC item by id prefix: its layer page when table_metadata names it, else /orphans", async () => {
    const items = ofKind(await results("postgis-geo-world"), "stac_item");
    expect(items).toEqual([
      {
        kind: "stac_item",
        id: "postgis-geo-world_countries",
        title: "postgis-geo-world_countries",
        subtitle: "system-vectors · layer world_countries",
        href: "/geo/world_countries",
      },
    ]);
    const raster = (
      await db.client.query("SELECT id FROM pgstac.items WHERE collection = 'system-rasters' ORDER BY id LIMIT 1")
    ).rows[0].id as string;
    const found = ofKind(await results(raster), "stac_item");
    expect(found[0]).toMatchObject({ id: raster, href: "/orphans" });
  });

  it("pages by name, case-insensitively", async () => {
    expect(ofKind(await results("orph"), "page")).toEqual([
      { kind: "page", id: "/orphans", title: "Orphans", subtitle: "/orphans", href: "/orphans" },
    ]);
    expect(ofKind(await results("geo"), "page").map((r) => r.href)).toEqual(["/geo"]);
    expect(ofKind(await results("a"), "page").length).toBeGreaterThan(1);
  });

  it("lists the same pages as the sidebar", async () => {
    const { NAV_ITEMS } = await import("@/components/shell/nav");
    expect(SEARCH_PAGES.map((p) => ({ ...p }))).toEqual(NAV_ITEMS.map((p) => ({ href: p.href, label: p.label })));
  });

  it("answers nothing (not an error) for what matches nothing", async () => {
    expect(await results("no-such-thing-anywhere")).toEqual([]);
  });
});

describe("GET /api/search: bounds and literal wildcards", () => {
  beforeAll(async () => {
    await db.client.query(
      `INSERT INTO app.jobs (job_id, job_type) SELECT 'capq' || lpad(g::text, 3, '0'), 'cap_test' FROM generate_series(1, 15) g`,
    );
    await db.client.query(
      `INSERT INTO app.tasks (task_id, job_id, task_type, stage) SELECT 'capq-task-' || lpad(g::text, 3, '0'), 'capq001', 'cap_test', 1 FROM generate_series(1, 15) g`,
    );
    await db.client.query(
      `INSERT INTO geo.table_metadata (table_name, title) SELECT 'capq_layer_' || lpad(g::text, 3, '0'), 'Cap ' || g FROM generate_series(1, 15) g`,
    );
    await db.client.query(
      `INSERT INTO app.jobs (job_id, job_type) VALUES ('lit%job_1', 'lit_test'), ('litXjobZ1', 'lit_test'), ('lit\\job', 'lit_test')`,
    );
  });

  it(`caps the answer at ${SEARCH_MAX_RESULTS}, sharing the slots among the kinds, each bounded`, async () => {
    const rs = await results("capq");
    expect(rs).toHaveLength(SEARCH_MAX_RESULTS);
    const counts = Object.fromEntries(
      ["job", "task", "layer"].map((k) => [k, ofKind(rs, k as SearchResult["kind"]).length]),
    );
    expect(counts.job + counts.task + counts.layer).toBe(SEARCH_MAX_RESULTS);
    for (const n of Object.values(counts)) expect(n).toBeGreaterThanOrEqual(6);
    for (const n of Object.values(counts)) expect(n).toBeLessThanOrEqual(SEARCH_PER_KIND);
    // Grouped by kind, in order.
    const order = rs.map((r) => r.kind).filter((k, i, a) => a.indexOf(k) === i);
    expect(order).toEqual(["job", "task", "layer"]);
    // One kind alone still gets no more than its bound.
    expect(ofKind(await results("capq0"), "job")).toHaveLength(SEARCH_PER_KIND);
  });

  it("takes % and _ (and the escape character) literally", async () => {
    expect(ofKind(await results("lit%job_"), "job").map((r) => r.id)).toEqual(["lit%job_1"]);
    expect(ofKind(await results("lit\\"), "job").map((r) => r.id)).toEqual(["lit\\job"]);
    const everything = await results("%");
    expect(everything.filter((r) => r.kind !== "page")).toEqual([]);
    expect(ofKind(await results("_"), "job")).toEqual([]);
  });
});

describe("GET /api/search: input and access", () => {
  it.each([
    ["", "missing"],
    ["?q=", "empty"],
    ["?q=%20%20%20", "blank"],
    [`?q=${"a".repeat(101)}`, "101 characters"],
    ["?q=ab%00", "NUL"],
    ["?q=%01x", "a control character"],
    ["?q=a%0Ab", "a newline"],
  ])("400 naming q for %s (%s)", async (qs) => {
    const res = await call(qs);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error).toMatchObject({ code: "bad_request", parameter: "q" });
    expect(body.error.message).toContain("q");
  });

  it("accepts 100 characters", async () => {
    expect((await call(`?q=${"a".repeat(100)}`)).status).toBe(200);
  });

  it("lets a reader and an admin search; 401 without a caller", async () => {
    expect((await call("?q=jobs", readerToken)).status).toBe(200);
    expect((await call("?q=jobs", adminToken)).status).toBe(200);
    const anon = await call("?q=jobs", null);
    expect(anon.status).toBe(401);
    expect((await anon.json()).error.code).toBe("unauthorized");
  });

  it("without pgSTAC the STAC kind is just empty", async () => {
    await db.client.query("DROP SCHEMA pgstac CASCADE");
    const rs = await results("postgis-geo-world");
    expect(ofKind(rs, "stac_item")).toEqual([]);
    // The rest still answers.
    expect(ofKind(await results("world_coun"), "layer")).toHaveLength(1);
  });
});
