import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { excerpt, EXCERPT, SIGNATURE_KEY, signatureOf } from "@/lib/failures/signature";

// The variable parts an error message carries: each template below has holes filled from these.
const part = {
  n: fc.integer({ min: 0, max: 2 ** 31 }).map(String),
  float: fc.float({ min: 0, max: 1e6, noNaN: true }).map((f) => f.toFixed(2)),
  uuid: fc.uuid(),
  hex: fc.stringMatching(/^[0-9a-f]{16,40}$/),
  path: fc.array(fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/), { minLength: 2, maxLength: 6 }).map((xs) => xs.join("/")),
  quoted: fc.stringMatching(/^[A-Za-z0-9 _.:-]{0,40}$/).map((s) => `"${s}"`),
  ts: fc
    .date({ min: new Date("2000-01-01"), max: new Date("2099-12-31"), noInvalidDate: true })
    .map((d) => d.toISOString()),
  ip: fc.ipV4(),
};

type Hole = keyof typeof part;
// Realistic pipeline errors (GDAL, timeouts, blob 404s, constraint violations, OOM, tracebacks).
const TEMPLATES: { holes: Hole[]; text: (v: string[]) => string }[] = [
  { holes: ["path"], text: ([p]) => `Blob not found: ${p}` },
  { holes: ["n", "path"], text: ([s, t]) => `Timeout after ${s}s waiting for raster tile ${t}` },
  {
    holes: ["quoted", "n"],
    text: ([c, k]) =>
      `psycopg.errors.UniqueViolation: duplicate key value violates unique constraint ${c}\nDETAIL:  Key (objectid)=(${k}) already exists.`,
  },
  { holes: ["n"], text: ([e]) => `GDAL error: Unsupported CRS EPSG:${e}` },
  {
    holes: ["float", "n", "n"],
    text: ([g, a, b]) =>
      `Traceback (most recent call last):\n  File "/home/site/wwwroot/core/machine.py", line 412, in process_task\n    result = handler(task.parameters, context)\nMemoryError: Unable to allocate ${g} GiB for an array with shape (3, ${a}, ${b})`,
  },
  {
    holes: ["uuid", "ts"],
    text: ([r, t]) =>
      `azure.core.exceptions.ResourceNotFoundError: The specified container does not exist.\nRequestId:${r}\nTime:${t}`,
  },
  {
    holes: ["ip", "n"],
    text: ([h, p]) =>
      `psycopg.OperationalError: connection failed: connection to server at ${h}, port ${p} failed: timeout expired`,
  },
  { holes: ["n", "hex"], text: ([i, h]) => `Feature ${i} has invalid geometry (hash ${h})` },
  {
    holes: ["path", "n"],
    text: ([p, n]) => `RasterioIOError: ${p}: not recognized as a supported file format (band ${n})`,
  },
  { holes: ["ts", "uuid"], text: ([t, u]) => `Job ${u} exceeded its deadline at ${t}` },
];

const filled = (i: number) => fc.tuple(...TEMPLATES[i].holes.map((h) => part[h])).map((v) => TEMPLATES[i].text(v));
const someTemplate = fc.integer({ min: 0, max: TEMPLATES.length - 1 });

describe("signatureOf", () => {
  it("gives one key to a template whatever its ids, numbers, paths and timestamps", () => {
    fc.assert(
      fc.property(
        someTemplate.chain((i) => fc.tuple(filled(i), filled(i))),
        ([a, b]) => {
          expect(signatureOf(a).key).toBe(signatureOf(b).key);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("gives different templates different keys", () => {
    const pair = fc
      .tuple(someTemplate, someTemplate)
      .filter(([i, j]) => i !== j)
      .chain(([i, j]) => fc.tuple(filled(i), filled(j)));
    fc.assert(
      fc.property(pair, ([a, b]) => {
        expect(signatureOf(a).key).not.toBe(signatureOf(b).key);
      }),
      { numRuns: 500 },
    );
  });

  it("keeps the error class and the message's shape", () => {
    const s = signatureOf('psycopg.errors.UniqueViolation: duplicate key "roads_pkey"\nDETAIL:  Key (id)=(5)');
    expect(s.errorClass).toBe("psycopg.errors.UniqueViolation");
    expect(s.template).toBe("psycopg.errors.UniqueViolation: duplicate key <q>");
    // A traceback is grouped by its exception line and the innermost frame's function.
    const tb = signatureOf(
      'Traceback (most recent call last):\n  File "a.py", line 3, in run\n    x()\n  File "b.pyx", line 9, in b.read\nMemoryError: out of memory',
    );
    expect(tb).toMatchObject({ errorClass: "MemoryError", template: "MemoryError: out of memory (in b.read)" });
    expect(signatureOf("Blob not found: bronze/a/b.tif").template).toBe("Blob not found: <path>");
  });

  it("gives any string a key without throwing, in bounded time", () => {
    const nasty = fc.oneof(
      fc.string({ unit: "binary", maxLength: 2000 }),
      fc.string({ unit: "grapheme", maxLength: 500 }),
      fc.stringMatching(/^[0-9]{0,5000}$/),
      fc
        .array(fc.constantFrom("\u0000", "\ud800", "\udfff", "\n", "/", '"', "Traceback (most recent call last):\n"))
        .map((xs) => xs.join("")),
    );
    fc.assert(
      fc.property(nasty, (s) => {
        const sig = signatureOf(s);
        expect(sig.key).toMatch(SIGNATURE_KEY);
        expect(sig.template.length).toBeLessThanOrEqual(301);
      }),
      { numRuns: 300 },
    );
    for (const s of [
      "",
      "\u0000".repeat(1000),
      "9".repeat(1_000_000),
      "x/".repeat(500_000),
      "a".repeat(1_000_000),
      '"'.repeat(1_000_000),
      "Traceback (most recent call last):\n" + '  File "x", line 1, in f\n'.repeat(40_000),
      Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82]).toString("utf8"),
    ]) {
      const t = performance.now();
      expect(signatureOf(s).key).toMatch(SIGNATURE_KEY);
      expect(performance.now() - t).toBeLessThan(250);
    }
    expect(signatureOf(null).template).toBe("(no error message)");
  });

  it("reads only the head and tail of a long text", () => {
    const head = "H".repeat(EXCERPT);
    const tail = "T".repeat(EXCERPT);
    const long = `${head}${"middle ".repeat(10_000)}${tail}`;
    expect(excerpt(long)).toBe(`${head}\n${tail}`);
    expect(signatureOf(long).key).toBe(signatureOf(`${head}${"other".repeat(5000)}${tail}`).key);
  });
});

describe("signatureOf, on what the first attack found", () => {
  const frames = (n: number) =>
    Array.from(
      { length: n },
      (_, i) => `  File "/app/step_${i}.py", line ${i + 10}, in step_${i}\n    do_step_${i}()`,
    ).join("\n");
  const tb = (exc: string, n = 150) => `Traceback (most recent call last):\n${frames(n)}\n${exc}`;

  it("a traceback longer than the excerpt keeps its exception line (and different ones differ)", () => {
    const a = signatureOf(tb("MemoryError: out of memory"));
    const b = signatureOf(tb("PermissionError: access denied"));
    expect(tb("x").length).toBeGreaterThan(2 * EXCERPT);
    expect(a.template).toBe("MemoryError: out of memory (in step_<n>)");
    expect(a.key).not.toBe(b.key);
    // The same exception with other ids, and a different depth: one key.
    expect(signatureOf(tb("KeyError: 'tile_12'", 140)).key).toBe(signatureOf(tb("KeyError: 'tile_99'", 170)).key);
  });

  it("skips Python's recursion note; a long frame name is cut and stays fast", () => {
    const rec = signatureOf(
      'Traceback (most recent call last):\n  File "a.py", line 1, in walk\n    walk()\n  [Previous line repeated 996 more times]\nRecursionError: maximum recursion depth exceeded',
    );
    expect(rec.template).toBe("RecursionError: maximum recursion depth exceeded (in walk)");
    const t = performance.now();
    for (let i = 0; i < 20; i++)
      signatureOf(`Traceback (most recent call last):\n  File "x", line 1, in ${"1-".repeat(3950)}\nE: x`);
    expect((performance.now() - t) / 20).toBeLessThan(30);
  });

  it("reads apostrophes in words as words, and a path holding an id as one path", () => {
    expect(signatureOf("Couldn't connect to database, won't retry").key).not.toBe(
      signatureOf("Couldn't parse tile header, won't retry").key,
    );
    expect(signatureOf("TypeError: can't multiply sequence by non-int of type 'float'").key).toBe(
      signatureOf("TypeError: can't multiply sequence by non-int of type 'str'").key,
    );
    const p = (s: string) => signatureOf(`Blob not found: ${s}`).template;
    expect(p("bronze/5f0c1f7e-1111-4222-8333-444455556666/raw.tif")).toBe("Blob not found: <path>");
    expect(p("silver/tenant1/2025-11-18/raw.tif")).toBe("Blob not found: <path>");
  });

  it("keeps a class name that holds digits, and groups short hex hashes", () => {
    expect(signatureOf("Base64DecodeError: Incorrect padding").template).toBe("Base64DecodeError: Incorrect padding");
    expect(signatureOf("Http2ProtocolError: Incorrect padding").key).not.toBe(
      signatureOf("Base64DecodeError: Incorrect padding").key,
    );
    expect(signatureOf("bad commit 1a2b3c4").key).toBe(signatureOf("bad commit 9f8e7d6").key);
  });
});
