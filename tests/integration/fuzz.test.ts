import { beforeAll, describe, expect, it, vi } from "vitest";
import fc from "fast-check";
import { bearer } from "../helpers/auth";
import { testDatabase } from "../helpers/db";
import { setAuthorization } from "../helpers/next-headers";

/**
 * Bad input, fuzzed (fast-check): every read route, the unpublish mutation and the destructive
 * server action (random forms) get random values
 * for their parameters (text with quotes, unicode and NUL, SQL fragments, huge and negative
 * numbers, repeated keys where one value goes, forged cursors, crafted path names). Whatever
 * comes in: no 5xx; an error is JSON naming what was wrong (400 names the parameter); and the
 * catalog (tables and their row counts, layer metadata, STAC, H3) is exactly as before.
 */
(process.env as Record<string, string>).NODE_ENV = "test";
vi.mock("next/headers", () => import("../helpers/next-headers"));

const db = testDatabase("fuzz");
const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 700);

type Handler = (req: Request, ctx: never) => Promise<Response>;
interface Target {
  name: string;
  load: () => Promise<Handler>;
  method?: "GET" | "POST";
  path: (p: Record<string, string>) => string;
  pathParams?: string[];
  query: string[];
  /** Fixed query pairs (e.g. confirm=yes for a mutation). */
  fixed?: Record<string, string>;
}

const mod =
  (m: Promise<{ GET?: Handler; POST?: Handler }>, method: "GET" | "POST" = "GET") =>
  async () =>
    (await m)[method] as Handler;

const TARGETS: Target[] = [
  {
    name: "jobs",
    load: mod(import("@/app/api/dbadmin/jobs/route")),
    path: () => "/api/dbadmin/jobs",
    query: ["status", "job_type", "hours", "since", "until", "q", "sort", "limit", "cursor", "total"],
  },
  {
    name: "job",
    load: mod(import("@/app/api/dbadmin/jobs/[job_id]/route")),
    path: (p) => `/api/dbadmin/jobs/${p.job_id}`,
    pathParams: ["job_id"],
    query: [],
  },
  {
    name: "tasks",
    load: mod(import("@/app/api/dbadmin/tasks/route")),
    path: () => "/api/dbadmin/tasks",
    query: ["status", "task_type", "job_id", "stuck", "limit", "cursor"],
  },
  {
    name: "job tasks",
    load: mod(import("@/app/api/dbadmin/tasks/[job_id]/route")),
    path: (p) => `/api/dbadmin/tasks/${p.job_id}`,
    pathParams: ["job_id"],
    query: ["stage", "status", "limit", "cursor"],
  },
  {
    name: "geo metadata",
    load: mod(import("@/app/api/dbadmin/geo/metadata/route")),
    path: () => "/api/dbadmin/geo/metadata",
    query: ["job_id", "has_stac", "q", "limit", "offset", "cursor"],
  },
  {
    name: "audit",
    load: mod(import("@/app/api/audit/route")),
    path: () => "/api/audit",
    query: ["actor", "action", "outcome", "window", "since", "until", "before", "limit"],
  },
  { name: "search", load: mod(import("@/app/api/search/route")), path: () => "/api/search", query: ["q"] },
  {
    name: "api requests",
    load: mod(import("@/app/api/dbadmin/api-requests/route")),
    path: () => "/api/dbadmin/api-requests",
    query: ["status", "data_type", "dataset", "since", "until", "limit", "cursor"],
  },
  {
    name: "janitor runs",
    load: mod(import("@/app/api/dbadmin/janitor-runs/route")),
    path: () => "/api/dbadmin/janitor-runs",
    query: ["run_type", "limit", "cursor"],
  },
  {
    name: "stac items",
    load: mod(import("@/app/api/stac/collections/[id]/items/route")),
    path: (p) => `/api/stac/collections/${p.id}/items`,
    pathParams: ["id"],
    query: ["id_prefix", "since", "until", "limit", "cursor"],
  },
  {
    name: "stac item",
    load: mod(import("@/app/api/stac/collections/[id]/items/[item]/route")),
    path: (p) => `/api/stac/collections/${p.id}/items/${p.item}`,
    pathParams: ["id", "item"],
    query: [],
  },
  {
    name: "layer tile",
    load: mod(import("@/app/api/tiles/[table]/[z]/[x]/[y]/route")),
    path: (p) => `/api/tiles/${p.table}/${p.z}/${p.x}/${p.y}`,
    pathParams: ["table", "z", "x", "y"],
    query: [],
  },
  {
    name: "footprint tile",
    load: mod(import("@/app/api/tiles/stac/[collection]/[z]/[x]/[y]/route")),
    path: (p) => `/api/tiles/stac/${p.collection}/${p.z}/${p.x}/${p.y}`,
    pathParams: ["collection", "z", "x", "y"],
    query: [],
  },
  {
    name: "grid tile",
    load: mod(import("@/app/api/tiles/h3/grids/[grid]/[z]/[x]/[y]/route")),
    path: (p) => `/api/tiles/h3/grids/${p.grid}/${p.z}/${p.x}/${p.y}`,
    pathParams: ["grid", "z", "x", "y"],
    query: [],
  },
  {
    name: "unpublish plan",
    load: mod(import("@/app/api/dbadmin/geo/unpublish/route")),
    path: () => "/api/dbadmin/geo/unpublish",
    query: ["table_name", "cascade", "fingerprint"],
  },
  {
    name: "cleanup plan",
    load: mod(import("@/app/api/dbadmin/maintenance/cleanup/route")),
    path: () => "/api/dbadmin/maintenance/cleanup",
    query: ["days", "before"],
  },
  {
    name: "export jobs",
    load: mod(import("@/app/api/export/jobs/route")),
    path: () => "/api/export/jobs",
    query: ["format", "status", "job_type", "hours", "since", "until", "q", "sort"],
  },
  // A mutation, confirmed: random names are never a table the catalog holds, so nothing may change.
  {
    name: "unpublish (confirmed)",
    load: mod(import("@/app/api/dbadmin/geo/unpublish/route"), "POST"),
    method: "POST",
    path: () => "/api/dbadmin/geo/unpublish",
    query: ["table_name", "cascade", "fingerprint"],
    fixed: { confirm: "yes" },
  },
];

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
const SQLISH = [
  "' OR 1=1 --",
  '"; DROP TABLE geo.table_metadata; --',
  "world_countries; DROP SCHEMA geo CASCADE",
  "%",
  "_",
  "\\",
  "a\u0000b",
  "\u0000",
  "../../etc/passwd",
  "${7*7}",
  "<script>alert(1)</script>",
  "geo.table_metadata",
  "table_metadata",
  "pg_catalog.pg_class",
];
const value = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.constantFrom(...SQLISH),
  fc.integer().map(String),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.double().map(String),
  fc.constantFrom("", " ", "0", "-1", "1e309", "NaN", "Infinity", "true", "yes", "maybe", "[]", "{}", "null"),
  fc
    .date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: false })
    .map((d) => (Number.isNaN(d.getTime()) ? "Invalid Date" : d.toISOString())),
  fc.constantFrom(
    "2026-01-01T00:00:00+23:59",
    "2026-02-30T00:00:00Z",
    "0000-01-01T00:00:00Z",
    "2026-01-01T00:00:00-16:00",
  ),
  // Forged cursors: well-formed base64url JSON with wrong or hostile content.
  fc
    .record({
      d: fc.constantFrom("n", "p", "x"),
      s: fc.string(),
      k: fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { maxLength: 3 }),
    })
    .map(b64),
  fc.string({ maxLength: 30 }).map((s) => Buffer.from(s).toString("base64url")),
);
// A query parameter: absent, one value, or repeated (an array where one string goes).
const occurrence = fc.oneof(
  { weight: 2, arbitrary: fc.constant([] as string[]) },
  { weight: 5, arbitrary: value.map((v) => [v]) },
  { weight: 1, arbitrary: fc.array(value, { minLength: 2, maxLength: 3 }) },
);
// Path segments also get plausible names, so some cases go past validation into the database.
const segment = fc.oneof(
  value,
  fc.constantFrom(
    "world_countries",
    "system-vectors",
    "postgis-geo-world_countries",
    "0",
    "1",
    "2.mvt",
    "0.mvt",
    "99999999.mvt",
  ),
);

const KNOWN_TABLES = new Set([
  "world_countries",
  "admin_boundaries_arcgis",
  "countries_web_mercator",
  "populated_places",
  "shipping_routes",
  "rivers_sample",
  "mystery_upload",
]);

/** Every table of the pipeline's schemas with its exact row count, and the layer and STAC contents. */
async function catalogSnapshot(): Promise<string> {
  const tables = await db.client.query<{ t: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname IN ('app', 'geo', 'pgstac', 'h3') AND c.relkind IN ('r', 'p') ORDER BY 1`,
  );
  const counts: string[] = [];
  for (const { t } of tables.rows)
    counts.push(`${t}=${(await db.client.query(`SELECT count(*) AS n FROM ${t}`)).rows[0].n}`);
  const meta = await db.client.query(
    `SELECT md5(string_agg(m::text, '|' ORDER BY table_name)) AS h FROM geo.table_metadata m`,
  );
  const stac = await db.client.query(
    `SELECT md5(string_agg(i.id || i.content::text, '|' ORDER BY i.id)) AS h FROM pgstac.items i`,
  );
  return [...counts, `meta=${meta.rows[0].h}`, `stac=${stac.rows[0].h}`].join("\n");
}

let before = "";
let reader = "";
let admin = "";
beforeAll(async () => {
  reader = await bearer("reader");
  admin = await bearer("admin");
  before = await catalogSnapshot();
});

describe("fuzzed input: never a 5xx, always an error that names the problem, the catalog unchanged", () => {
  let total = 0;
  for (const target of TARGETS) {
    it(`${target.name}: ${RUNS_PER_ROUTE} random requests`, { timeout: 120_000 }, async () => {
      const handler = await target.load();
      setAuthorization(target.method === "POST" ? admin : reader);
      await fc.assert(
        fc.asyncProperty(
          fc.tuple(...(target.pathParams ?? []).map(() => segment)),
          fc.tuple(...target.query.map(() => occurrence)),
          async (segments, occurrences) => {
            const pathValues = Object.fromEntries(
              (target.pathParams ?? []).map((k, i) => [k, encodeURIComponent(segments[i])]),
            );
            if (target.method === "POST" && occurrences[0].some((v) => KNOWN_TABLES.has(v))) return; // a real table: not fuzz
            const qs = new URLSearchParams(target.fixed);
            target.query.forEach((k, i) => occurrences[i].forEach((v) => qs.append(k, v)));
            const url = `http://console.test${target.path(pathValues)}?${qs}`;
            // Route handlers get their path params decoded, as Next passes them.
            const params = Object.fromEntries((target.pathParams ?? []).map((k, i) => [k, segments[i]]));
            const res = await handler(new Request(url, { method: target.method ?? "GET" }), {
              params: Promise.resolve(params),
            } as never);
            total++;
            expect(res.status, `${target.method ?? "GET"} ${url}`).toBeLessThan(500);
            if (res.status >= 400) {
              const body = await res.json();
              const err = body.error;
              expect(err, `${url}: an error body`).toBeTruthy();
              if (res.status === 400)
                expect(
                  typeof err.parameter === "string" || typeof body.parameter === "string",
                  `${url}: 400 names the parameter: ${JSON.stringify(body)}`,
                ).toBe(true);
            } else {
              await res.arrayBuffer(); // streams (exports) run to the end
            }
          },
        ),
        { numRuns: RUNS_PER_ROUTE, seed: Number(process.env.FUZZ_SEED ?? 20261202) },
      );
    });
  }

  it(`the destructive server action: ${RUNS_PER_ROUTE} random forms`, { timeout: 120_000 }, async () => {
    const { runOperationAction } = await import("@/lib/destructive/actions");
    const { OPERATIONS } = await import("@/lib/destructive/registry");
    setAuthorization(admin);
    const field = fc.constantFrom(
      "table_name",
      "days",
      "before",
      "pid",
      "mode",
      "cascade",
      "fingerprint",
      "confirmation",
      "accept_dependents",
      "operation",
      "$ACTION_ID_x",
      "x",
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom(...Object.keys(OPERATIONS)), value),
        fc.array(fc.tuple(field, value), { maxLength: 6 }),
        async (operation, pairs) => {
          const form = new FormData();
          form.append("operation", operation);
          for (const [k, v] of pairs) form.append(k, v);
          if (pairs.some(([k, v]) => k === "table_name" && KNOWN_TABLES.has(v))) return; // a real table: not fuzz
          const state = await runOperationAction({ ok: false }, form);
          total++;
          // Never thrown, never done without the typed confirmation of the plan: a refusal that says why.
          expect(state.ok, JSON.stringify(pairs)).toBe(false);
          expect(typeof state.message === "string" && state.message.length > 0).toBe(true);
          for (const msg of Object.values(state.fieldErrors ?? {})) expect(msg).toBeTruthy();
        },
      ),
      { numRuns: RUNS_PER_ROUTE, seed: Number(process.env.FUZZ_SEED ?? 20261202) },
    );
  });

  it("ran at least 10,000 cases in all, and left the catalog exactly as it was", async () => {
    // FUZZ_RUNS (a quicker local run) lowers the bar; npm test runs the full 10,000+.
    expect(total).toBeGreaterThanOrEqual(process.env.FUZZ_RUNS ? 1 : 10_000);
    expect(await catalogSnapshot()).toBe(before);
  });
});
