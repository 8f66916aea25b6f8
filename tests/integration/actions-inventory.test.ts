import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { testDatabase } from "../helpers/db";
import { sessionCookie } from "../helpers/auth";
import { setAuthorization, setCookie } from "../helpers/next-headers";

/**
 * Server actions are plain POST endpoints: each must check the caller itself. Every exported
 * function of every "use server" module is found on the file system and called as an anonymous
 * caller, a signed-in account without a role, and a reader, with inputs that would do harm if the
 * guard were missing. Each must refuse, and nothing may change. A new action module needs no
 * edit here to be covered; a new action that is meant for readers must be listed in READER_OK.
 */
vi.mock("next/headers", () => import("../helpers/next-headers"));
vi.mock("next/navigation", () => ({
  redirect: (to: string) => {
    throw Object.assign(new Error(`NEXT_REDIRECT ${to}`), { digest: "NEXT_REDIRECT" });
  },
}));

const db = testDatabase("actions");
const READER_OK = new Set<string>();

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : walk(p);
    return /\.(ts|tsx)$/.test(e.name) && /^\s*["']use server["']/.test(readFileSync(p, "utf8")) ? [p] : [];
  });
}

const harmful = () => {
  const f = new FormData();
  for (const [k, v] of Object.entries({
    table_name: "world_countries",
    confirmation: "world_countries",
    confirm: "yes",
    return_to: "/geo",
    days: "1",
    mode: "all",
    pid: "1",
  }))
    f.set(k, v);
  return f;
};

async function catalog() {
  const r = await db.client.query(`SELECT (SELECT count(*) FROM pg_tables WHERE schemaname = 'geo')::int AS tables,
            (SELECT count(*) FROM geo.table_metadata)::int AS metadata, (SELECT count(*) FROM console.audit_log)::int AS audit`);
  return r.rows[0] as { tables: number; metadata: number; audit: number };
}

describe("server action inventory", () => {
  const modules = ["app", "lib", "components"].flatMap(walk);

  it("finds the action modules", () => {
    expect(modules.length).toBeGreaterThan(0);
  });

  for (const file of modules) {
    it(`${file}: every action refuses anonymous callers, accounts without a role and readers`, async () => {
      const mod = (await import(/* @vite-ignore */ path.resolve(file))) as Record<string, unknown>;
      const actions = Object.entries(mod).filter(([, v]) => typeof v === "function") as [
        string,
        (...a: unknown[]) => Promise<unknown>,
      ][];
      expect(actions.length, file).toBeGreaterThan(0);
      for (const [name, action] of actions) {
        for (const who of ["anonymous", "norole", "reader"] as const) {
          if (who === "reader" && READER_OK.has(`${file}#${name}`)) continue;
          setAuthorization(null);
          setCookie("geoetl_session", who === "anonymous" ? null : await sessionCookie(who));
          const before = await catalog();
          const outcome = await action({ ok: false }, harmful()).then(
            (v) => v,
            (e: unknown) => e,
          );
          const text = JSON.stringify(outcome, Object.getOwnPropertyNames(outcome ?? {}));
          expect(text, `${file}#${name} as ${who}`).toMatch(
            who === "anonymous" ? /Sign in first/ : /needs the admin role/,
          );
          const after = await catalog();
          expect({ tables: after.tables, metadata: after.metadata }, `${file}#${name} as ${who}`).toEqual({
            tables: before.tables,
            metadata: before.metadata,
          });
          // Anonymous refusals are logged, never written to the audit log; signed-in ones are audited.
          if (who === "anonymous") expect(after.audit, `${file}#${name} anonymous audit`).toBe(before.audit);
        }
      }
    });
  }
});
