import http from "node:http";
import { expect, test } from "@playwright/test";
import { ACCOUNTS, apiToken, e2eDb, fillProviderLogin, signIn } from "./helpers";

const IDP_HTTP = `http://127.0.0.1:${process.env.IDP_HTTP_PORT ?? 54341}`;

test("anonymous visitors go to the provider's login page, and back to where they were going after it", async ({
  page,
}) => {
  await page.goto("/jobs?status=failed");
  // The browser only ever sees plain http on loopback: no certificate warning, no ignoreHTTPSErrors.
  await expect(page).toHaveURL(new RegExp(`^${IDP_HTTP}/`));
  await expect(page.getByRole("table", { name: "Demo accounts" })).toContainText(ACCOUNTS.reader.username);
  await fillProviderLogin(page, "admin");
  await expect(page).toHaveURL(/\/jobs\?status=failed$/);
  await expect(page.getByTestId("user-role")).toHaveText("admin");
  await expect(page.getByTestId("user-menu")).toContainText("Ada Admin");
});

test("a wrong password is refused next to the field, on the provider's page", async ({ page }) => {
  await page.goto("/");
  await page.getByLabel("Username").fill(ACCOUNTS.admin.username);
  await page.getByLabel("Password").fill("wrong");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`^${IDP_HTTP}/`));
});

for (const evil of [
  "/.//evil.example",
  "/..//evil.example",
  "/%2e//evil.example",
  "/\\evil.example",
  "//evil.example",
]) {
  test(`a crafted next=${evil} cannot send a signed-in user to another site`, async ({ page }) => {
    await page.goto(`/auth/sign-in?next=${encodeURIComponent(evil)}`);
    await fillProviderLogin(page, "reader");
    await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    await expect(page.getByTestId("user-role")).toHaveText("reader");
  });
}

test("an admin sees every section, toggles dark mode, and signs out through the provider", async ({ page }) => {
  await signIn(page, "admin");
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const label of ["Overview", "Jobs", "Tasks", "Geo layers", "Orphans", "Maintenance", "Health", "Audit"]) {
    await expect(nav.getByRole("link", { name: label, exact: true })).toBeVisible();
  }
  await page.getByTestId("theme-toggle").click();
  const dark = await page.evaluate(() => document.documentElement.classList.contains("dark"));
  await page.reload();
  expect(await page.evaluate(() => document.documentElement.classList.contains("dark"))).toBe(dark);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(new RegExp(`^${IDP_HTTP}/`));
  await page.getByRole("button", { name: "Sign out" }).click();
  // Back at the console, signed out everywhere: the next page asks for a sign-in again.
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`^${IDP_HTTP}/`));
  const res = await page.request.get("/api/me");
  expect(res.status()).toBe(401);
});

test("an account without a console role gets the 403 'no access' page, with its name and sign-out, never a loop", async ({
  page,
}) => {
  await signIn(page, "norole", "/jobs");
  await expect(page.getByRole("heading", { name: "403 · No access" })).toBeVisible();
  await expect(page.getByTestId("no-access")).toContainText(ACCOUNTS.norole.name);
  expect(new URL(page.url()).pathname).toBe("/jobs");
  const me = await page.request.get("/api/dbadmin/stats");
  expect(me.status()).toBe(403);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
});

test("bearer tokens from the local provider: reader reads, reader cannot mutate, forged is 401", async ({
  request,
}) => {
  const reader = { Authorization: `Bearer ${apiToken("reader")}` };
  const me = await request.get("/api/me", { headers: reader });
  expect(me.status()).toBe(200);
  expect(await me.json()).toMatchObject({ role: "reader", via: "bearer" });
  const mutate = await request.post("/api/dbadmin/geo/unpublish?table_name=world_countries&confirm=yes", {
    headers: reader,
  });
  expect(mutate.status()).toBe(403);
  expect((await mutate.json()).error.code).toBe("forbidden");
  for (const bad of [
    "Bearer Fe26.2**forged",
    "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
    "Basic YWRtaW46YWRtaW4=",
  ]) {
    const r = await request.get("/api/me", { headers: { Authorization: bad } });
    expect(r.status(), bad).toBe(401);
    expect((await r.json()).error.code).toBe("unauthorized");
  }
});

test("a cross-site (another port on this host) form POST with the admin's session cookie is refused and changes nothing", async ({
  page,
  baseURL,
}) => {
  await signIn(page, "admin");
  // A page on another port of 127.0.0.1: same-site for the browser (so the Lax cookie goes along),
  // but not the console's origin.
  const evilOrigin = "http://127.0.0.1:9";
  await page.route(`${evilOrigin}/**`, (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<form id="f" method="post" action="${baseURL}/api/dbadmin/geo/unpublish?table_name=world_countries&confirm=yes"></form><script>document.getElementById("f").submit()</script>`,
    }),
  );
  const response = page.waitForResponse((r) => r.url().includes("/api/dbadmin/geo/unpublish"));
  await page.goto(`${evilOrigin}/attack`);
  const r = await response;
  expect(r.status()).toBe(403);
  expect((await r.json()).error.message).toMatch(/Cross-site request refused/);
  const db = await e2eDb();
  try {
    const t = await db.query(`SELECT to_regclass('geo.world_countries') IS NOT NULL AS ok`);
    expect(t.rows[0].ok).toBe(true);
  } finally {
    await db.end();
  }
  // The same request from the console's own origin passes the CSRF check (and reaches the handler).
  const same = await page.request.post("/api/dbadmin/geo/unpublish?table_name=no_such_layer&confirm=yes", {
    headers: { Origin: baseURL! },
  });
  expect(same.status()).toBe(404);
});

test("a request for another host name (DNS rebinding) is refused with 421, pages and API alike", async ({
  baseURL,
}) => {
  const u = new URL(baseURL!);
  const get = (host: string, path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      http
        .get({ host: u.hostname, port: u.port, path, headers: { Host: host } }, (res) => {
          let body = "";
          res.on("data", (d) => (body += d)).on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        })
        .on("error", reject);
    });
  // Pages through proxy.ts, route handlers through apiRoute (the proxy does not run for /api/).
  for (const path of ["/signin", "/api/dbadmin/jobs?limit=1", "/api/tiles/world_countries/0/0/0.mvt"]) {
    expect((await get("evil.example", path)).status, path).toBe(421);
    expect((await get(`evil.example:${u.port}`, path)).status, path).toBe(421);
  }
  expect(JSON.parse((await get("evil.example", "/api/me")).body).error.code).toBe("misdirected");
  expect((await get(u.host, "/signin")).status).toBe(200);
  // The health probe answers whatever the Host: load balancers call instances by address.
  expect((await get("10.0.0.7:8080", "/api/health")).status).toBe(200);
});

test("responses carry the security headers, with a fresh CSP nonce each time", async ({ request }) => {
  const a = await request.get("/signin");
  const b = await request.get("/signin");
  const csp = a.headers()["content-security-policy"];
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(csp).not.toContain("unsafe-eval");
  expect(b.headers()["content-security-policy"]).not.toBe(csp);
  expect(a.headers()["x-content-type-options"]).toBe("nosniff");
  expect(a.headers()["referrer-policy"]).toBe("strict-origin-when-cross-origin");
});

test("API responses carry the security headers and the console's own request id", async ({ request }) => {
  for (const path of ["/api/me", "/api/dbadmin/jobs?limit=1", "/api/health"]) {
    const r = await request.get(path, { headers: { "x-request-id": "forged" } });
    const h = r.headers();
    expect(h["content-security-policy"], path).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(h["x-content-type-options"], path).toBe("nosniff");
    expect(h["x-frame-options"], path).toBe("DENY");
    if (path !== "/api/health") expect(h["x-request-id"], path).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4/);
  }
  // Any other /api/ path: a JSON 404 that echoes a bounded, encoded path.
  const odd = await request.get(`/api/x'"<b>%00${"y".repeat(300)}`);
  expect(odd.status()).toBe(404);
  const { error } = await odd.json();
  expect(error.code).toBe("not_found");
  expect(error.message.length).toBeLessThan(200);
  expect(error.message).not.toContain("<b>");
});
