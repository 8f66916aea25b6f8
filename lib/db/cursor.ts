import "server-only";
import { z } from "zod";
import { AppError } from "../api/errors";
import { isIsoTimestamp, isSafeText } from "../api/params";

/**
 * Opaque keyset cursors. A cursor names the last (or first) row of a page by its sort key and
 * its id: {d: direction, s: sort, k: [key, id]}. The key is PostgreSQL's own text of the
 * timestamp (microseconds), so no precision is lost through a JS Date. base64url, so it travels
 * in a URL as is. Clients treat it as a black box; a forged or stale cursor is a 400.
 */
export type Direction = "next" | "prev";

const CursorSchema = z.object({
  d: z.enum(["n", "p"]),
  s: z.string().max(32),
  // Ids up to 160: a task id is up to 128, and some lists prefix it (failure members: `task:<id>`).
  k: z.tuple([z.string().max(64).nullable(), z.union([z.string().max(160), z.number()])]),
});

export interface Cursor<K extends string | number = string> {
  direction: Direction;
  sort: string;
  key: string | null;
  id: K;
}

export function encodeCursor<K extends string | number>(c: Cursor<K>): string {
  const raw = JSON.stringify({ d: c.direction === "next" ? "n" : "p", s: c.sort, k: [c.key, c.id] });
  return Buffer.from(raw, "utf8").toString("base64url");
}

/** `keyKind` says what the position must be: a timestamp (time-sorted lists) or an integer (stage). */
export function decodeCursor(
  token: string,
  expectedSort: string,
  keyKind: "timestamp" | "int" = "timestamp",
): Cursor<string> {
  let parsed: z.infer<typeof CursorSchema>;
  try {
    parsed = CursorSchema.parse(JSON.parse(Buffer.from(token, "base64url").toString("utf8")));
  } catch {
    throw new AppError(
      "bad_request",
      "Invalid cursor: it is not one this API returned. Start again from the first page.",
      { parameter: "cursor" },
    );
  }
  if (parsed.s !== expectedSort) {
    throw new AppError(
      "bad_request",
      `Invalid cursor: it was made for sort=${parsed.s}, not sort=${expectedSort}. Start again from the first page.`,
      {
        parameter: "cursor",
      },
    );
  }
  const key = parsed.k[0];
  const id = String(parsed.k[1]);
  // Checked as strictly as PostgreSQL will read them ($k::timestamptz, text without NUL), so a
  // forged position is a 400 here rather than a 500 from the query.
  const badKey =
    keyKind === "timestamp"
      ? key !== null && !isIsoTimestamp(key) && !INFINITE_KEYS.has(key)
      : key === null || !/^\d{1,9}$/.test(key);
  if (badKey || !isSafeText(id, 160))
    throw new AppError("bad_request", "Invalid cursor: its position is not valid for this list.", {
      parameter: "cursor",
    });
  return { direction: parsed.d === "n" ? "next" : "prev", sort: parsed.s, key, id };
}

/**
 * SQL text of a timestamptz as an exact, parseable UTC string (microseconds kept); ±infinity as
 * PostgreSQL writes it (to_char gives NULL for them, which would page them as NULL rows).
 */
export const tsKeySql = (col: string) =>
  `CASE WHEN NOT isfinite(${col}) THEN ${col}::text ELSE to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') END`;

const INFINITE_KEYS = new Set(["infinity", "-infinity"]);
