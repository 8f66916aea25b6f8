import { describe, expect, it } from "vitest";
import { csvRows, exportResponse } from "@/lib/export/stream";
import { jobListSchema } from "@/lib/db/jobs-params";
import { formatCount, formatDuration } from "@/lib/format";

describe("csvRows", () => {
  it("quotes what needs quoting, defuses formulas, writes objects as JSON and nulls as empty", () => {
    expect(csvRows([["plain", 'a,"b"', "line1\nline2"]])).toBe('plain,"a,""b""","line1\nline2"\r\n');
    expect(csvRows([["=HYPERLINK(1)", "+1", "@x", "-2"]])).toBe("'=HYPERLINK(1),'+1,'@x,'-2\r\n");
    expect(csvRows([[null, undefined, { a: 1 }, true, 3]])).toBe(',,"{""a"":1}",true,3\r\n');
    expect(csvRows([["a"], ["b"]])).toBe("a\r\nb\r\n");
  });
});

describe("exportResponse", () => {
  it("a database failure in the middle ends the file with a marker (CSV line / JSON complete:false), and logs it", async () => {
    const spec = (format: "csv" | "json") => ({
      name: "jobs",
      format,
      columns: ["id"] as const,
      filters: {},
      page: async (cursor: string | undefined) => {
        if (cursor)
          throw Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" });
        return { rows: [{ id: 1 }, { id: 2 }], next: "c1" };
      },
    });
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...a: unknown[]) => void errors.push(a);
    try {
      const csv = await exportResponse<{ id: number }>(spec("csv")).text();
      expect(csv.trimEnd().split("\r\n")).toEqual([
        "id",
        "1",
        "2",
        "# ERROR: export incomplete: the database stopped answering after 2 rows; retry",
      ]);
      const json = JSON.parse(await exportResponse<{ id: number }>(spec("json")).text());
      expect(json).toMatchObject({ count: 2, complete: false, error: expect.stringMatching(/incomplete/) });
      expect(json.jobs).toEqual([{ id: 1 }, { id: 2 }]);
    } finally {
      console.error = original;
    }
    expect(JSON.stringify(errors)).toMatch(/export failed mid-stream/);
  });

  it("stops at the cap and says the JSON was truncated", async () => {
    let calls = 0;
    const res = exportResponse<{ id: number }>({
      name: "jobs",
      format: "json",
      columns: ["id"],
      filters: {},
      cap: 2500,
      page: async (cursor, limit) => {
        calls++;
        const start = cursor ? Number(cursor) : 0;
        return { rows: Array.from({ length: limit }, (_, i) => ({ id: start + i })), next: String(start + limit) };
      },
    });
    const body = await res.json();
    expect(body.count).toBe(2500);
    expect(body.truncated).toBe(true);
    expect(body.jobs.at(-1)).toEqual({ id: 2499 });
    expect(calls).toBe(3);
  });
});

describe("jobListSchema", () => {
  it("parses the seed's parameters and normalises lists", () => {
    const p = jobListSchema.parse({ hours: "24", limit: "100", status: "failed,queued,failed" });
    expect(p).toMatchObject({ hours: 24, limit: 100, status: ["failed", "queued"], sort: "created" });
  });
  it("names the bad parameter", () => {
    const r = jobListSchema.safeParse({ status: "failed,nope" });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].path).toEqual(["status"]);
    expect(jobListSchema.safeParse({ hours: "-1" }).error!.issues[0].path).toEqual(["hours"]);
    expect(
      jobListSchema.safeParse({ since: "2026-02-01T00:00:00Z", until: "2026-01-01T00:00:00Z" }).error!.issues[0].path,
    ).toEqual(["since"]);
  });
});

describe("format", () => {
  it("shows estimates as 'about'", () => {
    expect(formatCount(1_234_567, false)).toBe("about 1.2M");
    expect(formatCount(1234, true)).toBe("1,234");
    expect(formatDuration(75)).toBe("1 min 15 s");
    expect(formatDuration(null)).toBe("—");
  });
});

describe("errorHeadline", () => {
  it("takes the first line, or the exception line of a Python traceback", async () => {
    const { errorHeadline } = await import("@/lib/format");
    expect(errorHeadline("\n  Timeout after 600s\n  at x")).toBe("Timeout after 600s");
    expect(errorHeadline('Traceback (most recent call last):\n  File "a.py", line 1\nValueError: bad resolution')).toBe(
      "ValueError: bad resolution",
    );
    expect(errorHeadline("   ")).toBeNull();
  });
});
