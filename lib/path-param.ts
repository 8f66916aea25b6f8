import { isSafeText } from "./api/params";

/**
 * A name from a page's URL path (a job id, a collection, an item, a grid): percent-decoded, and
 * null when it is malformed or could never be stored (control characters, longer than `max`), so
 * the page answers 404 without asking the database.
 */
export function pathParam(raw: string, max = 256): string | null {
  let v: string;
  try {
    v = decodeURIComponent(raw);
  } catch {
    return null;
  }
  return v.length > 0 && isSafeText(v, max) ? v : null;
}
