import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { apiToken, DEMO_FAILURE_GROUP, refreshFailureIndex } from "./helpers";

/**
 * The access-control inventory. Every route handler and page is found on the file system, and
 * each must have an expectation below: a new route without one fails this test. Then, over real
 * HTTP against the production build: anonymous → 401 JSON (API) or a redirect to sign-in (pages);
 * reader → 403 on every mutation; admin → let through. Server actions have their own inventory
 * (tests/integration/actions-inventory.test.ts).
 */
/** "off": nothing served there (404 JSON to everyone, signed in or not). */
type Access = "public" | "reader" | "admin" | "off";
interface RouteExpectation {
  /** A concrete URL for the route (harmless for an admin: unknown names, no confirm). */
  url: string;
  /** Another URL for one method (a POST without confirm=yes, where GET reads the plan). */
  urls?: Partial<Record<"GET" | "POST", string>>;
  methods: Partial<Record<"GET" | "POST" | "PUT" | "PATCH" | "DELETE", Access>>;
  /** A plan that is refused for what the database holds (409: nothing to do) still let the caller through. */
  conflictOk?: boolean;
}

const JOB = "7e0eb20b9f85341b7ae251c93e9fe68c0c5e6f37f715aa792e2252a8b3c83446";
const ROUTES: Record<string, RouteExpectation> = {
  "app/api/health/route.ts": { url: "/api/health", methods: { GET: "public" } },
  // Any signed-in caller (an account without a role gets 200 with role null): tests/integration/me.test.ts.
  "app/api/me/route.ts": { url: "/api/me", methods: { GET: "reader" } },
  "app/api/dbadmin/stats/route.ts": { url: "/api/dbadmin/stats", methods: { GET: "reader" } },
  "app/api/dbadmin/jobs/route.ts": { url: "/api/dbadmin/jobs?limit=1", methods: { GET: "reader" } },
  "app/api/dbadmin/jobs/[job_id]/route.ts": { url: `/api/dbadmin/jobs/${JOB}`, methods: { GET: "reader" } },
  "app/api/dbadmin/tasks/route.ts": { url: "/api/dbadmin/tasks?limit=1", methods: { GET: "reader" } },
  "app/api/dbadmin/tasks/[job_id]/route.ts": { url: `/api/dbadmin/tasks/${JOB}?limit=1`, methods: { GET: "reader" } },
  "app/api/dbadmin/geo/metadata/route.ts": { url: "/api/dbadmin/geo/metadata?limit=1", methods: { GET: "reader" } },
  "app/api/dbadmin/geo/orphans/route.ts": { url: "/api/dbadmin/geo/orphans", methods: { GET: "reader" } },
  // Destructive operations: GET is the plan (read-only), POST runs it. The admin's POST has no
  // confirm=yes, so it is let through the guard and then refused (400) without changing anything.
  "app/api/dbadmin/geo/unpublish/route.ts": {
    url: "/api/dbadmin/geo/unpublish?table_name=world_countries",
    urls: { POST: "/api/dbadmin/geo/unpublish?table_name=no_such_layer" },
    methods: { GET: "reader", POST: "admin" },
  },
  "app/api/dbadmin/maintenance/cleanup/route.ts": {
    url: "/api/dbadmin/maintenance/cleanup?days=30",
    methods: { GET: "reader", POST: "admin" },
  },
  // No audit month is old enough on the e2e database: the plan is a 404, the admin's POST (no confirm) a 400.
  "app/api/dbadmin/maintenance/audit-retention/route.ts": {
    url: "/api/dbadmin/maintenance/audit-retention",
    methods: { GET: "reader", POST: "admin" },
  },
  "app/api/dbadmin/maintenance/redeploy/route.ts": {
    url: "/api/dbadmin/maintenance/redeploy",
    methods: { GET: "reader", POST: "admin" },
  },
  "app/api/dbadmin/maintenance/full-rebuild/route.ts": {
    url: "/api/dbadmin/maintenance/full-rebuild",
    methods: { GET: "reader", POST: "admin" },
  },
  "app/api/dbadmin/maintenance/pgstac/redeploy/route.ts": {
    url: "/api/dbadmin/maintenance/pgstac/redeploy",
    methods: { GET: "reader", POST: "admin" },
  },
  "app/api/dbadmin/maintenance/pgstac/migrate/route.ts": {
    url: "/api/dbadmin/maintenance/pgstac/migrate",
    methods: { GET: "reader", POST: "admin" },
    // pgSTAC is up to date on the e2e database: the plan is a 409 saying there is nothing to migrate.
    conflictOk: true,
  },
  "app/api/dbadmin/failures/route.ts": { url: "/api/dbadmin/failures?window=1h", methods: { GET: "reader" } },
  "app/api/dbadmin/failures/[signature]/route.ts": {
    url: "/api/dbadmin/failures/0000000000000000",
    methods: { GET: "reader" },
  },
  // Refreshes only the console's own rollup; another run in progress (the schedule) is a 409.
  "app/api/dbadmin/failures/refresh/route.ts": {
    url: "/api/dbadmin/failures/refresh",
    methods: { POST: "admin" },
    conflictOk: true,
  },
  "app/api/export/failures/route.ts": {
    url: "/api/export/failures?signature=0000000000000000",
    methods: { GET: "reader" },
  },
  "app/api/dbadmin/maintenance/status/route.ts": { url: "/api/dbadmin/maintenance/status", methods: { GET: "reader" } },
  "app/api/dbadmin/geo/orphans/stac-items/route.ts": {
    url: "/api/dbadmin/geo/orphans/stac-items",
    methods: { GET: "reader", POST: "admin" },
  },
  "app/api/stac/collections/route.ts": { url: "/api/stac/collections", methods: { GET: "reader" } },
  "app/api/stac/collections/[id]/items/route.ts": {
    url: "/api/stac/collections/system-vectors/items?limit=1",
    methods: { GET: "reader" },
  },
  "app/api/stac/collections/[id]/items/[item]/route.ts": {
    url: "/api/stac/collections/system-vectors/items/postgis-geo-world_countries",
    methods: { GET: "reader" },
  },
  "app/api/dbadmin/api-requests/route.ts": { url: "/api/dbadmin/api-requests?limit=1", methods: { GET: "reader" } },
  "app/api/dbadmin/janitor-runs/route.ts": { url: "/api/dbadmin/janitor-runs?limit=1", methods: { GET: "reader" } },
  "app/api/tiles/stac/[collection]/[z]/[x]/[y]/route.ts": {
    url: "/api/tiles/stac/system-vectors/0/0/0.mvt",
    methods: { GET: "reader" },
  },
  "app/api/tiles/h3/grids/[grid]/[z]/[x]/[y]/route.ts": {
    url: "/api/tiles/h3/grids/africa_land_res2/0/0/0.mvt",
    methods: { GET: "reader" },
  },
  "app/api/tiles/h3/filters/[name]/[z]/[x]/[y]/route.ts": {
    url: "/api/tiles/h3/filters/sahel_res2/0/0/0.mvt",
    methods: { GET: "reader" },
  },
  "app/api/stac/nuke/route.ts": { url: "/api/stac/nuke?mode=items", methods: { GET: "reader", POST: "admin" } },
  "app/api/dbadmin/maintenance/verify/route.ts": { url: "/api/dbadmin/maintenance/verify", methods: { GET: "reader" } },
  "app/api/dbadmin/health/route.ts": { url: "/api/dbadmin/health", methods: { GET: "reader" } },
  // pid 1 is never a PostgreSQL backend: the plan is a 404; the admin's POST (no confirm=yes) a 400.
  "app/api/dbadmin/health/cancel/route.ts": {
    url: "/api/dbadmin/health/cancel?pid=1",
    methods: { GET: "reader", POST: "admin" },
  },
  "app/api/dbadmin/health/terminate/route.ts": {
    url: "/api/dbadmin/health/terminate?pid=1",
    methods: { GET: "reader", POST: "admin" },
  },
  "app/api/export/jobs/route.ts": { url: "/api/export/jobs?format=json&limit=1", methods: { GET: "reader" } },
  "app/api/export/tasks/route.ts": { url: "/api/export/tasks?format=json&limit=1", methods: { GET: "reader" } },
  "app/api/audit/route.ts": { url: "/api/audit?limit=1", methods: { GET: "reader" } },
  "app/api/search/route.ts": { url: "/api/search?q=w", methods: { GET: "reader" } },
  "app/api/export/audit/route.ts": { url: "/api/export/audit?format=json&limit=1", methods: { GET: "reader" } },
  "app/api/tiles/[table]/[z]/[x]/[y]/route.ts": {
    url: "/api/tiles/world_countries/0/0/0.mvt",
    methods: { GET: "reader" },
  },
  "app/api/tiles/maplibre-worker/route.ts": { url: "/api/tiles/maplibre-worker", methods: { GET: "reader" } },
  // Any other /api/ path: a JSON 404 for everyone (anonymous included: it reveals nothing).
  "app/api/[...path]/route.ts": {
    url: "/api/no/such/route",
    methods: { GET: "off", POST: "off", PUT: "off", PATCH: "off", DELETE: "off" },
  },
  // Benchmark twins: only with BENCH_BARE_ROUTES=1 on a loopback origin (scripts/loadtest.ts).
  "app/api/bench/[twin]/route.ts": { url: "/api/bench/jobs?limit=1", methods: { GET: "off" } },
  // Sign-in itself: public by nature (they start, finish and end a sign-in).
  "app/auth/sign-in/route.ts": { url: "/auth/sign-in", methods: { GET: "public" } },
  "app/auth/callback/route.ts": { url: "/auth/callback?code=x&state=y", methods: { GET: "public" } },
  "app/auth/sign-out/route.ts": { url: "/auth/sign-out", methods: { POST: "public" } },
};

const PAGES: Record<string, { url: string; access: Access }> = {
  "app/signin/page.tsx": { url: "/signin", access: "public" },
  "app/(console)/(overview)/page.tsx": { url: "/", access: "reader" },
  "app/(console)/jobs/(list)/page.tsx": { url: "/jobs", access: "reader" },
  "app/(console)/jobs/[id]/page.tsx": { url: `/jobs/${JOB}`, access: "reader" },
  "app/(console)/tasks/page.tsx": { url: "/tasks", access: "reader" },
  "app/(console)/failures/(list)/page.tsx": { url: "/failures", access: "reader" },
  "app/(console)/failures/[signature]/page.tsx": { url: `/failures/${DEMO_FAILURE_GROUP}`, access: "reader" },
  "app/(console)/geo/(list)/page.tsx": { url: "/geo", access: "reader" },
  "app/(console)/geo/[table]/page.tsx": { url: "/geo/world_countries", access: "reader" },
  "app/(console)/stac/page.tsx": { url: "/stac", access: "reader" },
  "app/(console)/stac/[collection]/page.tsx": { url: "/stac/system-vectors", access: "reader" },
  "app/(console)/stac/[collection]/[item]/page.tsx": {
    url: "/stac/system-vectors/postgis-geo-world_countries",
    access: "reader",
  },
  "app/(console)/h3/page.tsx": { url: "/h3", access: "reader" },
  "app/(console)/h3/[grid]/page.tsx": { url: "/h3/africa_land_res2", access: "reader" },
  "app/(console)/h3/filters/[name]/page.tsx": { url: "/h3/filters/sahel_res2", access: "reader" },
  "app/(console)/activity/page.tsx": { url: "/activity", access: "reader" },
  "app/(console)/activity/janitor/page.tsx": { url: "/activity/janitor", access: "reader" },
  "app/(console)/orphans/page.tsx": { url: "/orphans", access: "reader" },
  "app/(console)/audit/page.tsx": { url: "/audit", access: "reader" },
  "app/(console)/health/page.tsx": { url: "/health", access: "reader" },
  "app/(console)/maintenance/page.tsx": { url: "/maintenance", access: "reader" },
};

function walk(dir: string, name: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p, name) : e.name === name ? [p] : [];
  });
}

function methodsOf(file: string): string[] {
  const src = readFileSync(file, "utf8");
  return [...src.matchAll(/export\s+(?:const|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g)]
    .map((m) => m[1])
    .sort();
}

test("every route handler and page has an access expectation, and every expected method exists", () => {
  const routes = walk("app", "route.ts").sort();
  expect(routes, "a route handler without an expectation in e2e/access.spec.ts").toEqual(Object.keys(ROUTES).sort());
  for (const file of routes) expect(methodsOf(file), file).toEqual(Object.keys(ROUTES[file].methods).sort());
  expect(walk("app", "page.tsx").sort(), "a page without an expectation in e2e/access.spec.ts").toEqual(
    Object.keys(PAGES).sort(),
  );
});

async function call(request: APIRequestContext, method: string, url: string, token?: string, origin?: string) {
  const headers: Record<string, string> = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (origin) headers.Origin = origin;
  return request.fetch(url, { method, headers, maxRedirects: 0 });
}

test("route handlers: anonymous → 401 JSON, reader → 403 on mutations, admin → let through", async ({
  request,
  baseURL,
}) => {
  const reader = apiToken("reader");
  const admin = apiToken("admin");
  for (const [file, r] of Object.entries(ROUTES)) {
    for (const [method, access] of Object.entries(r.methods)) {
      const url = r.urls?.[method as "GET" | "POST"] ?? r.url;
      const what = `${method} ${url} (${file})`;
      const anon = await call(request, method, url, undefined, baseURL);
      if (access === "off") {
        for (const token of [undefined, reader, admin]) {
          const r = await call(request, method, url, token, baseURL);
          expect(r.status(), `${what} (off)`).toBe(404);
          expect((await r.json()).error.code, what).toBe("not_found");
        }
        continue;
      }
      if (access === "public") {
        expect(anon.status(), `${what} anonymous`).not.toBe(401);
        continue;
      }
      expect(anon.status(), `${what} anonymous`).toBe(401);
      expect((await anon.json()).error.code, what).toBe("unauthorized");
      const asReader = await call(request, method, url, reader);
      if (access === "admin") {
        expect(asReader.status(), `${what} reader`).toBe(403);
        expect((await asReader.json()).error.code, what).toBe("forbidden");
      } else {
        // Let through (a plan with nothing to do may be a 404; never 401/403/5xx).
        expect([200, 204, 404, ...(r.conflictOk ? [409] : [])], `${what} reader`).toContain(asReader.status());
      }
      const asAdmin = await call(request, method, url, admin);
      expect([200, 204, 400, 404, ...(r.conflictOk ? [409] : [])], `${what} admin`).toContain(asAdmin.status());
    }
  }
});

test("pages: anonymous → sign-in (and back), reader → the page, or 403 on admin pages", async ({ request }) => {
  const reader = apiToken("reader");
  await refreshFailureIndex(request);
  for (const [file, p] of Object.entries(PAGES)) {
    const res = await request.get(p.url, { maxRedirects: 0 });
    if (p.access === "public") {
      expect(res.status(), file).toBe(200);
      continue;
    }
    expect(res.status(), `${p.url} anonymous (${file})`).toBe(307);
    const to = new URL(res.headers().location, "http://x");
    expect(to.pathname, file).toBe("/auth/sign-in");
    expect(to.searchParams.get("next") ?? "/", file).toBe(p.url);
    const asReader = await request.get(p.url, { maxRedirects: 0, headers: { Authorization: `Bearer ${reader}` } });
    expect(asReader.status(), `${p.url} reader (${file})`).toBe(p.access === "admin" ? 403 : 200);
  }
});
