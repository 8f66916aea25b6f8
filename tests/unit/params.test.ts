import { describe, expect, it } from "vitest";
import { boolParam, isInt64, isIsoTimestamp, isSafeText, safeText, toUtcIso } from "@/lib/api/params";

describe("request parameter building blocks", () => {
  it("refuses control characters and overlong text", () => {
    expect(safeText(10).safeParse(" ingest ").data).toBe("ingest");
    expect(safeText(10).safeParse("a\u0000b").success).toBe(false);
    expect(safeText(3).safeParse("abcd").success).toBe(false);
    expect(isSafeText("abc", 3)).toBe(true);
    expect(isSafeText("a\tb", 10)).toBe(false);
  });

  it("reads booleans one way everywhere", () => {
    expect(["true", "1", "yes"].map((v) => boolParam.parse(v))).toEqual([true, true, true]);
    expect(["false", "0", "no"].map((v) => boolParam.parse(v))).toEqual([false, false, false]);
    expect(boolParam.safeParse("maybe").success).toBe(false);
  });

  it("accepts only real ISO timestamps", () => {
    for (const ok of [
      "2026-11-23",
      "2026-11-23T10:00:00Z",
      "2026-11-23T10:00:00.123456Z",
      "2026-11-23T10:00+02:00",
      "2024-02-29",
    ])
      expect(isIsoTimestamp(ok), ok).toBe(true);
    for (const bad of ["1", "0", "2026-02-30", "2025-02-29", "2026-13-01", "2026-11-23T25:00:00Z", "yesterday", ""])
      expect(isIsoTimestamp(bad), bad).toBe(false);
    // PostgreSQL's offsets stop at ±15:59: anything past that was a 500 (22009) from the query.
    for (const bad of [
      "2026-11-23T10:00:00+16:00",
      "2026-11-23T10:00:00-23:59",
      "2026-11-23T10:00:00+1560",
      "2026-11-23T10:00:00+05:60",
    ])
      expect(isIsoTimestamp(bad), bad).toBe(false);
    for (const ok of ["2026-11-23T10:00:00+15:59", "2026-11-23T10:00:00-1500"])
      expect(isIsoTimestamp(ok), ok).toBe(true);
  });

  it("reads a date-time without an offset as UTC, never the server's time zone", () => {
    expect(toUtcIso("2026-11-23T10:00:00")).toBe("2026-11-23T10:00:00Z");
    expect(toUtcIso("2026-11-23 10:00")).toBe("2026-11-23T10:00Z");
    expect(toUtcIso("2026-11-23T10:00:00+02:00")).toBe("2026-11-23T10:00:00+02:00");
    expect(toUtcIso("2026-11-23")).toBe("2026-11-23");
    expect(new Date(toUtcIso("2026-11-23T10:00:00")).toISOString()).toBe("2026-11-23T10:00:00.000Z");
  });

  it("bounds integers to bigint", () => {
    expect(isInt64("9223372036854775807")).toBe(true);
    expect(isInt64("-9223372036854775808")).toBe(true);
    expect(isInt64("9223372036854775808")).toBe(false);
    expect(isInt64("99999999999999999999")).toBe(false);
    expect(isInt64("1e3")).toBe(false);
  });
});
