/** A path parameter as a tab title shows it: decoded when it can be, cut to `max` characters. */
export function paramTitle(raw: string, max = 40): string {
  let v = raw;
  try {
    v = decodeURIComponent(raw);
  } catch {
    // already decoded, or not decodable: shown as it is
  }
  return v.length > max ? `${v.slice(0, max - 1)}…` : v;
}
