import { describe, expect, it } from "vitest";
import { isoTime, orderMs, secondsBetween, tolerantTypes } from "@/lib/db/timestamps";
import { formatDate, formatExact, formatRelative } from "@/lib/format";

describe("timestamps a JS Date cannot hold", () => {
  const parse = tolerantTypes.getTypeParser(1184) as (t: string) => unknown;

  it("the pools' parser keeps PostgreSQL's text for ±infinity and out-of-range years, Dates otherwise", () => {
    expect(parse("infinity")).toBe("infinity");
    expect(parse("-infinity")).toBe("-infinity");
    expect(parse("275760-09-14 00:00:00+00")).toBe("275760-09-14 00:00:00+00");
    expect(parse("0001-01-01 00:00:00+00")).toEqual(new Date("0001-01-01T00:00:00Z"));
    expect(parse("9999-12-31 23:59:59.5+00")).toEqual(new Date("9999-12-31T23:59:59.500Z"));
    expect((tolerantTypes.getTypeParser(23) as (t: string) => unknown)("42")).toBe(42); // others untouched
  });

  it("isoTime serialises all of them without throwing; arithmetic on an infinity is null", () => {
    expect(isoTime(new Date("2026-01-01T00:00:00Z"))).toBe("2026-01-01T00:00:00.000Z");
    expect(isoTime("infinity")).toBe("infinity");
    expect(isoTime(-Infinity)).toBe("-infinity");
    expect(isoTime(new Date(NaN))).toBeNull();
    expect(isoTime("275760-09-14 00:00:00+00")).toBe("275760-09-14 00:00:00+00");
    expect(isoTime(null)).toBeNull();
    expect(secondsBetween("2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z")).toBe(60);
    expect(secondsBetween("-infinity", "2026-01-01T00:01:00Z")).toBeNull();
    expect(orderMs("infinity")).toBe(Infinity);
    expect(orderMs("-infinity")).toBe(-Infinity);
  });

  it("pages show ∞ and −∞, and a text they cannot read as it is", () => {
    for (const f of [formatDate, formatExact, formatRelative]) {
      expect(f("infinity")).toBe("∞");
      expect(f("-infinity")).toBe("−∞");
      expect(f("275760-09-14 00:00:00+00")).toBe("275760-09-14 00:00:00+00");
    }
    expect(formatDate("0001-01-01T00:00:00.000Z")).toBe("0001-01-01 00:00 UTC");
  });
});
