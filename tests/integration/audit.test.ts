import { describe, expect, it } from "vitest";
import { writeAudit } from "@/lib/db/audit";
import { testDatabase } from "../helpers/db";

const db = testDatabase("audit");

describe("audit log", () => {
  it("records an attempt whatever its input: NULs replaced, long values cut", async () => {
    const id = await writeAudit({
      actor: "Eve (local:eve)",
      role: "reader",
      action: "geo.unpublish",
      target: `a\u0000b${"x".repeat(400)}`,
      outcome: "denied",
      details: { error: "bad\u0000input", nested: { v: "z\u0000" } },
      warnings: ["w\u0000"],
    });
    const row = (await db.client.query("SELECT target, details, warnings FROM console.audit_log WHERE id = $1", [id])).rows[0];
    expect(row.target.startsWith("a\ufffdb")).toBe(true);
    expect(row.target.length).toBe(256);
    expect(row.details).toEqual({ error: "bad\ufffdinput", nested: { v: "z\ufffd" } });
    expect(row.warnings).toEqual(["w\ufffd"]);
  });
});
