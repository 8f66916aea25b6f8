import { describe, expect, it } from "vitest";
import { hasBadEscape } from "@/lib/security/bad-escapes";

describe("hasBadEscape", () => {
  it("finds a path segment whose percent-escapes are not UTF-8, and nothing else", () => {
    for (const bad of ["/jobs/%FF", "/api/tiles/%FF%FE/1/0/0.mvt", "/geo/a%", "/x/%E2%82", "/%C0%AF"])
      expect(hasBadEscape(bad), bad).toBe(true);
    for (const good of ["/jobs", "/jobs/abc%20d", "/geo/%E2%82%AC", "/jobs?q=%FF", "/a#%FF", "/"])
      expect(hasBadEscape(good), good).toBe(false);
  });
});
