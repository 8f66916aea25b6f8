import { describe, expect, it } from "vitest";
import { safeNextPath } from "@/lib/auth/next-path";

describe("safeNextPath", () => {
  it("keeps same-site paths with their query", () => {
    expect(safeNextPath("/jobs?status=failed")).toBe("/jobs?status=failed");
    expect(safeNextPath("/geo/world_countries#map")).toBe("/geo/world_countries#map");
  });

  it("turns anything that could leave the site into /", () => {
    for (const evil of [
      "//evil.com",
      "/\\evil.com",
      "/%09/evil.com".replace("%09", "\t"),
      "https://evil.com",
      "javascript:alert(1)",
      "evil.com",
      "",
      null,
      undefined,
      "/\n/evil.com",
      "/.//evil.example",
      "/..//evil.example",
      "/%2e//evil.example",
      "/%2E%2E//evil.example",
      "/./%2e//evil.example",
    ]) {
      expect(safeNextPath(evil as string), String(evil)).toBe("/");
    }
  });
});
