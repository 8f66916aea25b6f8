import { createHash } from "node:crypto";

/**
 * A short hash of the state a plan was made from. The confirmation carries it back; a run whose
 * fresh plan hashes differently is refused with 409 "changed since you looked". Keys are sorted,
 * so the same state always gives the same fingerprint.
 */
export function fingerprintOf(value: unknown): string {
  return createHash("sha256").update(canonical(value)).digest("hex").slice(0, 24);
}

function canonical(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(",")}}`;
}
