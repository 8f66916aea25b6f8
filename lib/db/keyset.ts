import "server-only";
import type { Cursor, Direction } from "./cursor";

/**
 * The pieces every keyset-paginated list shares: a builder for SQL parameters, the condition
 * "after / before this row" on a nullable timestamp key, and turning the fetched rows into a
 * page with its next/prev cursors.
 */

/** Collects query values and hands back their `$n` placeholders, so no value is ever spliced into SQL. */
export class SqlParams {
  readonly values: unknown[];
  constructor(first: readonly unknown[] = []) {
    this.values = [...first];
  }
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/**
 * The keyset condition for rows after (next) or before (prev) the row (key, id) of a list in
 * `col DESC, idCol DESC` order, where `col` is a nullable timestamptz (NULLs sort first in DESC).
 * `col` and `idCol` are fixed column names, never user input.
 */
export function timestampKeysetCondition(
  col: string,
  idCol: string,
  direction: Direction,
  key: string | null,
  id: string,
  p: SqlParams,
): string {
  const pid = p.add(id);
  if (key === null) {
    // After a NULL row come the other NULLs with a smaller id, then all non-NULL rows.
    return direction === "next"
      ? `((${col} IS NULL AND ${idCol} < ${pid}) OR ${col} IS NOT NULL)`
      : `(${col} IS NULL AND ${idCol} > ${pid})`;
  }
  const pk = p.add(key);
  return direction === "next"
    ? `(${col}, ${idCol}) < (${pk}::timestamptz, ${pid})`
    : `((${col}, ${idCol}) > (${pk}::timestamptz, ${pid}) OR ${col} IS NULL)`;
}

export interface KeysetPage<R> {
  rows: R[];
  next_cursor: string | null;
  prev_cursor: string | null;
}

/**
 * One page of a keyset list. `fetch(direction, limit)` returns up to `limit` rows in the
 * direction's order (reversed for "prev"); it is asked for one row more than the page, which
 * says whether there is another page that way. `cursorOf` encodes a row as a cursor.
 *
 * A "prev" page that comes back empty (the rows before it were deleted meanwhile, or the link
 * is old) means the current position is at the top of the list: the first page is returned.
 */
export async function keysetPage<R>(opts: {
  cursor: Cursor | undefined;
  limit: number;
  fetch: (cursor: Cursor | undefined, take: number) => Promise<R[]>;
  cursorOf: (direction: Direction, row: R) => string;
}): Promise<KeysetPage<R>> {
  const { limit, fetch, cursorOf } = opts;
  let cursor = opts.cursor;
  let rows = await fetch(cursor, limit + 1);
  if (cursor?.direction === "prev" && rows.length === 0) {
    cursor = undefined;
    rows = await fetch(undefined, limit + 1);
  }
  const direction: Direction = cursor?.direction ?? "next";
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  if (direction === "prev") page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  let next: string | null = null;
  let prev: string | null = null;
  if (direction === "next") {
    if (more && last) next = cursorOf("next", last);
    if (cursor && first) prev = cursorOf("prev", first);
  } else {
    if (more && first) prev = cursorOf("prev", first);
    if (last) next = cursorOf("next", last);
  }
  return { rows: page, next_cursor: next, prev_cursor: prev };
}
