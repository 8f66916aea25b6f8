import { describe, expect, it } from "vitest";
import { auditHref, auditUrl } from "@/lib/url-state/audit";
import { geoUrl } from "@/lib/url-state/geo";
import { jobsApiQuery, jobsHref, jobsUrl } from "@/lib/url-state/jobs";
import { readUrlState } from "@/lib/url-state/parsers";
import { tasksHref, tasksUrl } from "@/lib/url-state/tasks";
import { jobListSchema } from "@/lib/db/jobs-params";

describe("list pages' URL state (nuqs parsers over the API's zod fields)", () => {
  it("reads a /jobs link: lists, dates, presets and defaults", () => {
    const { values, invalid } = readUrlState(jobsUrl, {
      status: ["failed", "queued"],
      since: "2026-01-01T00:00:00+02:00",
      q: "abc",
    });
    expect(invalid).toEqual([]);
    expect(values).toMatchObject({ status: ["failed", "queued"], q: "abc", sort: "created", limit: 25, cursor: null });
    expect(values.since?.toISOString()).toBe("2025-12-31T22:00:00.000Z");
  });

  it("names every parameter it cannot read and leaves it out, keeping the rest", () => {
    const { values, invalid } = readUrlState(jobsUrl, {
      status: "failed,exploded",
      limit: "30",
      since: "yesterday",
      q: "a'b; DROP TABLE x",
      sort: "updated",
      hours: "-1",
      unknown: "whatever",
    });
    expect(invalid.sort()).toEqual(["hours", "limit", "q", "since", "status"]);
    expect(values).toMatchObject({ status: null, limit: 25, since: null, q: null, hours: null, sort: "updated" });
  });

  it("refuses on the page exactly what the API refuses (one rule, two entry points)", () => {
    for (const [key, value] of [
      ["status", "nope"],
      ["q", "x\u0000y"],
      ["job_type", "a\u0007"],
      ["since", "2026-02-30T00:00:00Z"],
      ["hours", "0"],
      ["cursor", "\u0000"],
    ] as const) {
      expect(jobListSchema.safeParse({ [key]: value }).success, `${key}=${value} in the API`).toBe(false);
      expect(readUrlState(jobsUrl, { [key]: value }).invalid, `${key}=${value} on the page`).toEqual([key]);
    }
  });

  it("builds links that read back as the same view (defaults left out)", () => {
    const state = readUrlState(jobsUrl, { status: "failed", hours: "24", sort: "updated", limit: "50" }).values;
    const href = jobsHref("/jobs", { ...state, cursor: "abc" });
    expect(href).toBe("/jobs?status=failed&hours=24&sort=updated&limit=50&cursor=abc");
    const back = readUrlState(jobsUrl, Object.fromEntries(new URL(href, "http://x").searchParams)).values;
    expect(back).toEqual({ ...state, cursor: "abc" });
    expect(jobsHref("/jobs", readUrlState(jobsUrl, {}).values)).toBe("/jobs");
  });

  it("gives the API every value explicitly, since its defaults differ from the page's", () => {
    const state = readUrlState(jobsUrl, {}).values;
    expect(jobsApiQuery("?total=true", state)).toBe("?total=true&sort=created&limit=25");
  });

  it("tasks, geo and audit share the same behaviour", () => {
    expect(readUrlState(tasksUrl, { stuck: "yes", limit: "100", status: "pending,failed" }).values).toMatchObject({
      stuck: true,
      limit: 100,
      status: ["pending", "failed"],
    });
    expect(tasksHref("/tasks", { stuck: true, status: ["failed"] })).toBe("/tasks?status=failed&stuck=true");
    expect(readUrlState(geoUrl, { has_stac: "maybe", q: "roads" })).toEqual({
      values: { q: "roads", job_id: null, has_stac: null, cursor: null },
      invalid: ["has_stac"],
    });
    const audit = readUrlState(auditUrl, { outcome: "conflict,success", before: "-5", since: "2026-01-01T00:00" });
    // Outcomes in their own order; a time without an offset is refused on the audit list, as in its API.
    expect(audit.values.outcome).toEqual(["success", "conflict"]);
    expect(audit.invalid.sort()).toEqual(["before", "since"]);
    expect(auditHref("/audit", { ...audit.values, window: "24h" })).toBe("/audit?outcome=success,conflict&window=24h");
  });
});
