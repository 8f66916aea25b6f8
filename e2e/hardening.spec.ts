import { expect, test } from "@playwright/test";
import { CONSOLE_PAGE_PATHS, DEMO_JOB, e2eDb, signIn, startServer } from "./helpers";

const BASE_PORT = Number(process.env.E2E_PORT ?? 3100);

test("the server action door refuses cross-site POSTs like the route handlers: 403 JSON, headers, audited", async ({
  page,
}) => {
  await signIn(page, "admin", "/maintenance");
  const db = await e2eDb();
  try {
    const since = (await db.query(`SELECT coalesce(max(id), 0)::text AS id FROM console.audit_log`)).rows[0].id;
    for (const origin of ["https://evil.example", "null", undefined]) {
      const headers: Record<string, string> = { "Next-Action": "0123456789abcdef", "Content-Type": "text/plain" };
      if (origin) headers.Origin = origin;
      const res = await page.request.post("/maintenance", { headers, data: "[]", maxRedirects: 0 });
      expect(res.status(), String(origin)).toBe(403);
      expect(await res.json(), String(origin)).toMatchObject({ error: { code: "forbidden", reason: "cross_site" } });
      expect(res.headers()["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers()["content-security-policy"]).toContain("default-src 'none'");
    }
    const rows = (
      await db.query(
        `SELECT action, outcome, actor_role, parameters->>'door' AS door FROM console.audit_log WHERE id > $1 ORDER BY id`,
        [since],
      )
    ).rows;
    expect(rows).toEqual(
      Array(3).fill({ action: "security.cross_site", outcome: "refused", actor_role: "admin", door: "action" }),
    );
  } finally {
    await db.end();
  }
});

test("with an https origin: the cookies are Secure (__Host- names) and every response carries HSTS", async ({
  request,
}) => {
  const port = BASE_PORT + 93;
  const s = startServer(
    { CONSOLE_ORIGIN: `https://127.0.0.1:${port}`, CONSOLE_EXTRA_HOSTS: `127.0.0.1:${port}` },
    port,
  );
  try {
    const base = `http://127.0.0.1:${port}`;
    await expect(async () => expect((await request.get(`${base}/api/health`)).status()).toBe(200)).toPass({
      timeout: 60_000,
    });
    const health = await request.get(`${base}/api/health`);
    expect(health.headers()["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
    const signIn = await request.get(`${base}/auth/sign-in?next=/jobs`, { maxRedirects: 0 });
    expect([302, 303, 307]).toContain(signIn.status());
    const cookie = signIn.headersArray().find((h) => h.name.toLowerCase() === "set-cookie")?.value ?? "";
    expect(cookie).toMatch(/^__Host-geoetl_signin=/);
    expect(cookie).toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(new URL(signIn.headers().location).searchParams.get("redirect_uri")).toBe(
      `https://127.0.0.1:${port}/auth/callback`,
    );
    const page = await request.get(`${base}/jobs`, { maxRedirects: 0 });
    expect(page.headers()["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
  } finally {
    s.child.kill();
    await s.exited;
  }
});

test("a path with a malformed percent-escape: 400 JSON for the API, the bad-link page otherwise, with the usual headers", async ({
  request,
}) => {
  for (const path of ["/api/dbadmin/jobs/%FF", "/api/tiles/%FF%FE/1/0/0.mvt", "/api/stac/collections/%C0/items"]) {
    const r = await request.get(path);
    expect(r.status(), path).toBe(400);
    expect(await r.json(), path).toMatchObject({ error: { code: "bad_request", parameter: "path" } });
    expect(r.headers()["x-content-type-options"], path).toBe("nosniff");
    expect(r.headers()["x-request-id"], path).toMatch(/^[0-9a-f-]{36}$/);
  }
  for (const path of ["/jobs/%FF", "/geo/%FF", "/stac/%FF/%FE"]) {
    const r = await request.get(path, { maxRedirects: 0 });
    expect(r.status(), path).toBe(400);
    expect(await r.text(), path).toContain("This link is broken");
    expect(r.headers()["content-security-policy"], path).toContain("default-src 'none'");
  }
});

test("Skip to content is the first Tab stop and lands on the page, past the navigation", async ({ page }) => {
  await signIn(page, "reader", "/jobs");
  await page.locator("body").focus();
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("main#main")).toBeFocused();
  // the next Tab is inside the page, not in the navigation
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => !!document.activeElement?.closest("main"))).toBe(true);
});

test("every page has its own tab title", async ({ page }) => {
  await signIn(page, "reader", "/");
  const titles = new Map<string, string>();
  for (const path of CONSOLE_PAGE_PATHS) {
    await page.goto(path);
    await expect(page).toHaveTitle(/ · GeoETL Admin Console$/);
    titles.set(path, await page.title());
  }
  expect(new Set(titles.values()).size, JSON.stringify([...titles])).toBe(CONSOLE_PAGE_PATHS.length);
  expect(titles.get("/jobs")).toBe("Jobs · GeoETL Admin Console");
  expect(titles.get(`/jobs/${DEMO_JOB}`)).toBe(`Job ${DEMO_JOB.slice(0, 8)}… · GeoETL Admin Console`);
  expect(titles.get("/geo/world_countries")).toBe("world_countries · layer · GeoETL Admin Console");
});
