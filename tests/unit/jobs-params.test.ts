import { describe, expect, it } from "vitest";
import { formatCount, formatDate, shortId } from "@/lib/format";
import { decodeCursor, encodeCursor } from "@/lib/db/cursor";
import { jobListSchema, jobTasksSchema, taskListSchema } from "@/lib/db/jobs-params";
import { escapeLike, likePrefix } from "@/lib/db/like";

const cursorWith = (key: unknown, id: unknown, sort = "created", d = "n") =>
  Buffer.from(JSON.stringify({ d, s: sort, k: [key, id] }), "utf8").toString("base64url");
const issuePath = (r: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  r.error?.issues[0].path.join(".");

describe("job and task filter schemas", () => {
  it("take since/until only as strict ISO timestamps", () => {
    // Date.parse reads "1" as 2001 and "0" as 2000 and rolls 2026-02-30 into March.
    for (const bad of ["1", "0", "2026-02-30", "2026-13-01T00:00:00Z", "yesterday"]) {
      expect(issuePath(jobListSchema.safeParse({ since: bad })), bad).toBe("since");
      expect(issuePath(jobListSchema.safeParse({ until: bad })), bad).toBe("until");
    }
    const ok = jobListSchema.parse({ since: "2026-01-31T12:00:00Z", until: "2026-02-01" });
    expect(ok.since?.toISOString()).toBe("2026-01-31T12:00:00.000Z");
    // No offset: UTC, whatever the server's time zone (Node applies a changed TZ at once).
    const tz = process.env.TZ;
    process.env.TZ = "Asia/Tokyo";
    try {
      expect(jobListSchema.parse({ since: "2026-01-31T12:00:00" }).since?.toISOString()).toBe(
        "2026-01-31T12:00:00.000Z",
      );
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
    expect(issuePath(jobListSchema.safeParse({ since: "2026-01-31T12:00:00+16:00" }))).toBe("since");
    expect(ok.until?.toISOString()).toBe("2026-02-01T00:00:00.000Z");
  });

  it("refuse NUL and other control characters in every text parameter, naming it", () => {
    for (const [schema, key] of [
      [jobListSchema, "job_type"],
      [jobListSchema, "q"],
      [jobListSchema, "cursor"],
      [taskListSchema, "task_type"],
      [taskListSchema, "job_id"],
      [taskListSchema, "cursor"],
      [jobTasksSchema, "cursor"],
    ] as const) {
      for (const v of ["a\u0000b", "\u0000", "a\u001fb"]) {
        const r = schema.safeParse({ [key]: v });
        expect(r.success, `${key}=${JSON.stringify(v)}`).toBe(false);
        expect(issuePath(r)).toBe(key);
      }
    }
    expect(taskListSchema.parse({ job_id: " abc ", task_type: "tile" })).toMatchObject({
      job_id: "abc",
      task_type: "tile",
    });
  });

  it("read booleans like every other route (true/false, 1/0, yes/no)", () => {
    expect(["true", "1", "yes"].map((v) => taskListSchema.parse({ stuck: v }).stuck)).toEqual([true, true, true]);
    expect(["false", "0", "no"].map((v) => taskListSchema.parse({ stuck: v }).stuck)).toEqual([false, false, false]);
    expect(taskListSchema.parse({ stuck: "" }).stuck).toBeUndefined();
    expect(issuePath(taskListSchema.safeParse({ stuck: "maybe" }))).toBe("stuck");
    expect(jobListSchema.parse({ total: "yes" }).total).toBe(true);
    expect(issuePath(jobListSchema.safeParse({ total: "sure" }))).toBe("total");
  });
});

describe("decodeCursor", () => {
  it("accepts what encodeCursor made", () => {
    const key = "2026-01-31T12:00:00.123456Z";
    expect(decodeCursor(encodeCursor({ direction: "prev", sort: "created", key, id: "abc" }), "created")).toEqual({
      direction: "prev",
      sort: "created",
      key,
      id: "abc",
    });
    expect(decodeCursor(cursorWith(null, "abc"), "created").key).toBeNull();
  });

  it("refuses a forged position with a 400, not a query PostgreSQL rejects", () => {
    for (const key of ["1", "0", "2026-02-30T00:00:00Z", "2026-02-30", "1 January"]) {
      expect(() => decodeCursor(cursorWith(key, "abc"), "created"), key).toThrow(
        expect.objectContaining({ code: "bad_request", details: { parameter: "cursor" } }),
      );
    }
    for (const id of ["a\u0000b", "\u0000"]) {
      expect(() => decodeCursor(cursorWith("2026-01-31T12:00:00Z", id), "created")).toThrow(
        expect.objectContaining({ code: "bad_request" }),
      );
      expect(() => decodeCursor(cursorWith("2", id, "stage"), "stage", "int")).toThrow(
        expect.objectContaining({ code: "bad_request" }),
      );
    }
  });
});

describe("escapeLike", () => {
  it("takes LIKE wildcards and the escape character literally", () => {
    expect(escapeLike("a%b_c\\d")).toBe("a\\%b\\_c\\\\d");
    expect(likePrefix("job_1")).toBe("job\\_1%");
  });
});

describe("format (the one general module)", () => {
  it("shows no value as a dash, estimates as 'about'", () => {
    expect(formatCount(null)).toBe("—");
    expect(formatCount(undefined, false)).toBe("—");
    expect(formatCount(1234)).toBe("1,234");
    expect(formatCount(1_234_567, false)).toBe("about 1.2M");
    expect(shortId(null)).toBe("—");
    expect(shortId("0123456789abcdef")).toBe("0123456789…");
    expect(shortId("0123456789abcdef", 12)).toBe("0123456789ab…");
    expect(shortId("0123456789a")).toBe("0123456789a");
    expect(formatDate("2026-01-31T12:00:05.123Z")).toBe("2026-01-31 12:00 UTC");
    expect(formatDate(null)).toBe("—");
  });
});
