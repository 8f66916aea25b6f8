import { expect, test } from "@playwright/test";
import { startServer } from "./helpers";

const BASE_PORT = Number(process.env.E2E_PORT ?? 3100);

test("a bad DATABASE_URL stops the server with one line, not a stack trace", async () => {
  const s = startServer({ DATABASE_URL: "mysql://somewhere/db" }, BASE_PORT + 91);
  const code = await Promise.race([s.exited, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 20_000))]);
  if (code === "timeout") s.child.kill();
  expect(code).toBe(1);
  const errorLines = s
    .output()
    .split("\n")
    .filter((l) => /DATABASE_URL/.test(l));
  expect(errorLines).toHaveLength(1);
  expect(errorLines[0]).toContain("DATABASE_URL: expected a URL like postgresql://");
  expect(s.output()).not.toMatch(/\n\s+at /); // no stack frames
});

test("with the database down, health says 503 and the shell says so plainly", async ({ page, request }) => {
  const port = BASE_PORT + 92;
  // Port 9 (discard) has no PostgreSQL: every connection is refused.
  const origin = `http://127.0.0.1:${port}`;
  const s = startServer(
    {
      DATABASE_URL: "postgresql://postgres:x@127.0.0.1:9/none?sslmode=disable",
      DATABASE_READER_URL: "",
      CONSOLE_ORIGIN: origin,
    },
    port,
  );
  try {
    await expect(async () => {
      const r = await request.get(`http://127.0.0.1:${port}/api/health`);
      expect(r.status()).toBe(503);
      expect(await r.json()).toEqual({ status: "degraded", database: "unavailable" });
    }).toPass({ timeout: 30_000 });
    // Sign-in does not need the database: the shell then says plainly what is wrong.
    await page.goto(`${origin}/`);
    await page.getByLabel("Username").fill("ada@geoetl.local");
    await page.getByLabel("Password").fill("admin-demo");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("db-unavailable")).toBeVisible();
    await expect(page.getByRole("heading", { name: "Database unavailable" })).toBeVisible();
  } finally {
    s.child.kill();
    await s.exited;
  }
});
