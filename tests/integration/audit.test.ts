import { beforeAll, describe, expect, it, vi } from "vitest";
import { listAudit, writeAudit, type AuditActor, type AuditEntry } from "@/lib/db/audit";
import type { AuditOutcome } from "@/lib/db/audit-params";
import { testDatabase } from "../helpers/db";
import { setAuthorization } from "../helpers/next-headers";
import { bearer } from "../helpers/auth";

/**
 * console.audit_log, second shape: writing (whatever the input), the list's filters and keyset
 * paging (lib/db/audit.ts), GET /api/audit and GET /api/export/audit run for real (auth guard
 * included; only next/headers is replaced, see jobs-api.test.ts), and the append-only trigger.
 */
(process.env as Record<string, string>).NODE_ENV = "test";
vi.mock("next/headers", () => import("../helpers/next-headers"));

const db = testDatabase("audit");
let readerToken = "";

const QUINN: AuditActor = {
  oid: "a1111111-0000-4000-8000-000000000001",
  name: "Quinn Auditor",
  username: "quinn@geoetl.local",
  role: "admin",
};
const QUENTIN: AuditActor = {
  oid: "a2222222-0000-4000-8000-000000000002",
  name: "Quentin Reader",
  username: "qr@geoetl.local",
  role: "reader",
};
const ZED: AuditActor = {
  oid: "a3333333-0000-4000-8000-000000000003",
  name: "Zed",
  username: "zed.quinn@geoetl.local",
  role: "admin",
};

// Every action of this file starts with "audtest.", so the seeded database's own rows never match.
const ARRANGED: Array<Pick<AuditEntry, "actor" | "action" | "outcome"> & Partial<AuditEntry>> = [
  { actor: QUINN, action: "audtest.geo.unpublish", target: "rivers", outcome: "success", durationMs: 120 },
  {
    actor: QUENTIN,
    action: "audtest.geo.unpublish",
    target: "rivers",
    outcome: "refused",
    error: { message: "needs admin", code: "forbidden" },
  },
  {
    actor: QUINN,
    action: "audtest.maintenance.cleanup",
    outcome: "failed",
    error: { message: "lock timeout", sqlstate: "55P03" },
    parameters: { days: 30 },
  },
  { actor: ZED, action: "audtest.maintenance.redeploy", outcome: "conflict", fingerprint: "fp-1" },
  {
    actor: QUINN,
    action: "audtest.maintenance.cleanup",
    outcome: "success",
    parameters: { days: 30 },
    details: { deleted: 12 },
  },
  { actor: QUENTIN, action: "audtest.stac.nuke", outcome: "refused" },
  { actor: ZED, action: "audtest.geo.unpublish", target: "lakes", outcome: "failed", warnings: ["stac item missing"] },
];
/** id and at of each arranged row, in the order written (ids grow). */
let written: Array<{ id: string; at: Date } & (typeof ARRANGED)[number]> = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  readerToken = await bearer("reader");
  written = [];
  for (const e of ARRANGED) {
    const id = await writeAudit({ ...e, requestId: `req-${written.length}`, clientAddress: "192.0.2.7" });
    const at = (await db.client.query<{ at: Date }>("SELECT at FROM console.audit_log WHERE id = $1", [id])).rows[0].at;
    written.push({ ...e, id, at });
    await sleep(15); // distinct timestamps, for the time-window filter
  }
});

/** The arranged rows matching `pred`, newest first (as the list returns them). */
const expected = (pred: (r: (typeof written)[number]) => boolean) =>
  written
    .filter(pred)
    .map((r) => r.id)
    .reverse();
const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id);

const req = (path: string) => new Request(`http://console.test${path}`);
async function call(handler: (r: Request, ctx: never) => Promise<Response>, path: string, auth = true) {
  setAuthorization(auth ? readerToken : null);
  return handler(req(path), {} as never);
}

describe("writeAudit", () => {
  it("records an attempt whatever its input: NULs replaced, long values cut", async () => {
    const id = await writeAudit({
      actor: { oid: "local:eve", name: "Eve", role: "reader" },
      action: "geo.unpublish",
      target: `a\u0000b${"x".repeat(400)}`,
      outcome: "refused",
      details: { error: "bad\u0000input", nested: { v: "z\u0000" } },
      warnings: ["w\u0000"],
    });
    const row = (
      await db.client.query("SELECT actor, target, details, warnings, outcome FROM console.audit_log WHERE id = $1", [
        id,
      ])
    ).rows[0];
    expect(row.actor).toBe("Eve (local:eve)");
    expect(row.outcome).toBe("refused");
    expect(row.target.startsWith("a\ufffdb")).toBe(true);
    expect(row.target.length).toBe(256);
    expect(row.details).toEqual({ error: "bad\ufffdinput", nested: { v: "z\ufffd" } });
    expect(row.warnings).toEqual(["w\ufffd"]);
  });

  it("reads back every column of the second shape", async () => {
    const third = written[2];
    const page = await listAudit({ action: third.action, outcomes: ["failed"] });
    expect(page.rows).toHaveLength(1);
    expect(page.rows[0]).toEqual({
      id: third.id,
      at: third.at.toISOString(),
      actor: "Quinn Auditor (a1111111-0000-4000-8000-000000000001)",
      actor_oid: QUINN.oid,
      actor_name: "Quinn Auditor",
      actor_username: "quinn@geoetl.local",
      actor_role: "admin",
      action: "audtest.maintenance.cleanup",
      target: null,
      parameters: { days: 30 },
      fingerprint: null,
      outcome: "failed",
      warnings: [],
      error: { message: "lock timeout", sqlstate: "55P03" },
      details: {},
      duration_ms: null,
      request_id: "req-2",
      client_address: "192.0.2.7",
    });
  });
});

describe("listAudit filters", () => {
  const mine = (r: { action: string }) => r.action.startsWith("audtest.");

  it("actor: a case-insensitive prefix of the name or the username, or the oid exactly", async () => {
    expect(ids((await listAudit({ actor: "quinn" })).rows)).toEqual(expected((r) => r.actor === QUINN));
    expect(ids((await listAudit({ actor: "QUENTIN r" })).rows)).toEqual(expected((r) => r.actor === QUENTIN));
    expect(ids((await listAudit({ actor: "QR@geoetl" })).rows)).toEqual(expected((r) => r.actor === QUENTIN)); // username
    expect(ids((await listAudit({ actor: ZED.oid })).rows)).toEqual(expected((r) => r.actor === ZED));
    // the oid only matches whole; "quinn" inside Zed's username is not a prefix
    expect((await listAudit({ actor: "a3333333" })).rows).toEqual([]);
    expect(ids((await listAudit({ actor: "zed.q" })).rows)).toEqual(expected((r) => r.actor === ZED));
    // LIKE wildcards are taken literally
    expect((await listAudit({ actor: "Q_inn" })).rows).toEqual([]);
    expect((await listAudit({ actor: "%" })).rows).toEqual([]);
  });

  it("action: exact, or a prefix ending in '.' or '*'", async () => {
    expect(ids((await listAudit({ action: "audtest.geo.unpublish" })).rows)).toEqual(
      expected((r) => r.action === "audtest.geo.unpublish"),
    );
    expect(ids((await listAudit({ action: "audtest.maintenance." })).rows)).toEqual(
      expected((r) => r.action.startsWith("audtest.maintenance.")),
    );
    expect(ids((await listAudit({ action: "audtest.maint*" })).rows)).toEqual(
      expected((r) => r.action.startsWith("audtest.maint")),
    );
    expect((await listAudit({ action: "audtest.maintenance" })).rows).toEqual([]); // exact: no such action
    expect((await listAudit({ action: "audtest%." })).rows).toEqual([]); // % is literal
  });

  it("outcome: one or several", async () => {
    const base = { action: "audtest." };
    for (const outcomes of [
      ["refused"],
      ["success", "failed"],
      ["failed", "refused", "conflict"],
      ["success", "failed", "refused", "conflict"],
    ] as AuditOutcome[][]) {
      const rows = (await listAudit({ ...base, outcomes })).rows;
      expect(ids(rows), outcomes.join(",")).toEqual(expected((r) => outcomes.includes(r.outcome)));
    }
    expect(ids((await listAudit({ actor: "quinn", outcomes: ["success", "conflict"] })).rows)).toEqual(
      expected((r) => r.actor === QUINN && r.outcome === "success"),
    );
  });

  it("time window: since inclusive, until exclusive", async () => {
    const since = written[2].at;
    const until = written[5].at;
    const rows = (await listAudit({ action: "audtest.", since, until })).rows;
    expect(ids(rows)).toEqual([written[4].id, written[3].id, written[2].id]);
    expect(ids((await listAudit({ action: "audtest.", since: written[5].at })).rows)).toEqual([
      written[6].id,
      written[5].id,
    ]);
    expect(ids((await listAudit({ action: "audtest.", until: written[1].at })).rows)).toEqual([written[0].id]);
    expect((await listAudit({ action: "audtest.", since: new Date(Date.now() + 3_600_000) })).rows).toEqual([]);
  });

  it("keyset pages with filters: newest first, no duplicates, no gaps", async () => {
    const cases: Array<Parameters<typeof listAudit>[0]> = [
      { action: "audtest." },
      { action: "audtest.", outcomes: ["refused"] },
      { action: "audtest.", outcomes: ["success", "failed", "refused"] },
      { actor: "quinn", outcomes: ["success", "failed"] },
    ];
    for (const f of cases) {
      const all = ids((await listAudit({ ...f, limit: 200 })).rows);
      const seen: string[] = [];
      let before: string | null = null;
      for (let i = 0; i < 20; i++) {
        const page = await listAudit({ ...f, limit: 2, before });
        expect(page.rows.length).toBeLessThanOrEqual(2);
        seen.push(...ids(page.rows));
        before = page.nextBefore;
        if (!before) break;
        expect(before).toBe(page.rows[page.rows.length - 1].id);
      }
      expect(before, JSON.stringify(f)).toBeNull();
      expect(seen, JSON.stringify(f)).toEqual(all);
      expect(all.length).toBeGreaterThan(0);
      expect(all.every((id, i) => i === 0 || BigInt(all[i - 1]) > BigInt(id))).toBe(true);
    }
    expect(written.every((w) => w.action.startsWith("audtest.") === mine(w))).toBe(true);
  });
});

describe("GET /api/audit", async () => {
  const { GET } = await import("@/app/api/audit/route");

  it("answers with entries, next_before and filters_applied", async () => {
    const res = await call(GET, "/api/audit?action=audtest.&outcome=refused,failed&actor=Q&limit=2");
    expect(res.status).toBe(200);
    const body = await res.json();
    const want = expected(
      (r) => (r.outcome === "refused" || r.outcome === "failed") && (r.actor === QUINN || r.actor === QUENTIN),
    );
    expect(ids(body.entries)).toEqual(want.slice(0, 2));
    expect(body.next_before).toBe(want[1]);
    expect(body.filters_applied).toEqual({
      actor: "Q",
      action: "audtest.",
      action_match: "prefix",
      outcome: ["failed", "refused"],
    });
    expect(body.entries[0]).toEqual(
      expect.objectContaining({
        id: expect.any(String),
        at: expect.any(String),
        actor_name: expect.any(String),
        outcome: expect.any(String),
        warnings: expect.any(Array),
      }),
    );

    const next = await (
      await call(GET, `/api/audit?action=audtest.&outcome=refused,failed&actor=Q&limit=2&before=${body.next_before}`)
    ).json();
    expect(ids(next.entries)).toEqual(want.slice(2, 4));
  });

  it("takes a time window as since/until with an offset, or a preset", async () => {
    const since = written[2].at.toISOString();
    const until = encodeURIComponent(new Date(written[5].at.getTime()).toISOString().replace("Z", "+00:00"));
    const body = await (await call(GET, `/api/audit?action=audtest.&since=${since}&until=${until}`)).json();
    expect(ids(body.entries)).toEqual([written[4].id, written[3].id, written[2].id]);
    expect(body.filters_applied).toMatchObject({ since, until: written[5].at.toISOString() });
    const recent = await (await call(GET, "/api/audit?action=audtest.&window=1h")).json();
    expect(ids(recent.entries)).toEqual(expected(() => true));
    expect(recent.filters_applied).toMatchObject({ window: "1h", since: expect.any(String) });
  });

  it.each([
    ["outcome=bogus", "outcome"],
    ["outcome=success,denied", "outcome"],
    ["since=yesterday", "since"],
    ["since=2026-01-31T12:00:00", "since"], // no offset
    ["until=2026-02-30T00:00:00Z", "until"],
    [
      `since=${encodeURIComponent("2026-02-01T00:00:00Z")}&until=${encodeURIComponent("2026-01-01T00:00:00Z")}`,
      "since",
    ],
    ["limit=201", "limit"],
    ["limit=0", "limit"],
    ["limit=ten", "limit"],
    ["before=abc", "before"],
    ["before=1.5", "before"],
    ["before=99999999999999999999", "before"],
    ["actor=a%00b", "actor"],
    ["action=%01", "action"],
    ["window=2h", "window"],
  ])("400 for %s, naming %s", async (qs, param) => {
    const res = await call(GET, `/api/audit?${qs}`);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error).toMatchObject({ code: "bad_request", parameter: param });
    expect(body.error.message).toContain(param);
  });

  it("401 without a session or token", async () => {
    const res = await call(GET, "/api/audit", false);
    expect(res.status).toBe(401);
  });
});

describe("GET /api/export/audit", async () => {
  const { GET } = await import("@/app/api/export/audit/route");
  const HEADER =
    "id,at,actor,actor_oid,actor_name,actor_username,actor_role,action,target,outcome,duration_ms,warnings,error,parameters,details,fingerprint,request_id,client_address";

  it("streams the current filter as CSV: header line, one line per entry, capped, as an attachment", async () => {
    const res = await call(GET, "/api/export/audit?format=csv&action=audtest.&outcome=refused,failed");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="audit-.*\.csv"$/);
    expect(res.headers.get("x-export-cap")).toBe("50000");
    const lines = (await res.text()).split("\r\n").filter(Boolean);
    expect(lines[0]).toBe(HEADER);
    const want = expected((r) => r.outcome === "refused" || r.outcome === "failed");
    expect(lines).toHaveLength(1 + want.length);
    expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual(want);
    // the page position (before) is not part of the filter: the export starts at the newest entry
    const again = (
      await (await call(GET, `/api/export/audit?action=audtest.&outcome=refused,failed&before=${want[1]}`)).text()
    )
      .split("\r\n")
      .filter(Boolean);
    expect(again).toHaveLength(1 + want.length);
  });

  it("pages past 200 entries and says what it filtered in JSON", async () => {
    for (let i = 0; i < 205; i++) await writeAudit({ actor: ZED, action: "audtestbulk.op", outcome: "success" });
    const body = await (await call(GET, "/api/export/audit?format=json&action=audtestbulk.")).json();
    expect(body).toMatchObject({
      export: "audit",
      cap: 50000,
      count: 205,
      truncated: false,
      filters: { action: "audtestbulk.", action_match: "prefix" },
    });
    expect(new Set(ids(body.audit)).size).toBe(205);
  });

  it("400 naming the parameter; 401 without a caller", async () => {
    const bad = await call(GET, "/api/export/audit?format=xlsx");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.parameter).toBe("format");
    expect((await call(GET, "/api/export/audit?outcome=nope")).status).toBe(400);
    expect((await call(GET, "/api/export/audit", false)).status).toBe(401);
  });
});

describe("append-only", () => {
  it("refuses UPDATE, DELETE and TRUNCATE, even through the admin connection (SQLSTATE 42501)", async () => {
    const id = written[0].id;
    await expect(
      db.client.query("UPDATE console.audit_log SET outcome = 'failed' WHERE id = $1", [id]),
    ).rejects.toMatchObject({ code: "42501" });
    await expect(db.client.query("DELETE FROM console.audit_log WHERE id = $1", [id])).rejects.toMatchObject({
      code: "42501",
    });
    await expect(db.client.query("TRUNCATE console.audit_log")).rejects.toMatchObject({ code: "42501" });
    const row = (await db.client.query("SELECT outcome FROM console.audit_log WHERE id = $1", [id])).rows[0];
    expect(row.outcome).toBe("success");
  });
});
