/** Small, pure formatting helpers shared by server and client components. */

/** "about 1.2M" style for estimates, exact numbers with separators otherwise; no number → "—". */
export function formatCount(n: number | null | undefined, exact = true): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  if (exact) return n.toLocaleString("en-US");
  return `about ${compact(n)}`;
}

export function compact(n: number): string {
  if (n >= 1_000_000_000) return `${trim(n / 1_000_000_000)}B`;
  if (n >= 1_000_000) return `${trim(n / 1_000_000)}M`;
  if (n >= 1_000) return `${trim(n / 1_000)}k`;
  return String(Math.round(n));
}
const trim = (x: number) => (x >= 100 ? Math.round(x).toString() : x.toFixed(1).replace(/\.0$/, ""));

/** 75 → "1 min 15 s", 3600 → "1 h 0 min"; null → "—". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "—";
  const s = Math.round(seconds);
  if (s < 1) return `${Math.round(seconds * 1000)} ms`;
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/**
 * A timestamp that is not a point in time: PostgreSQL's ±infinity ("∞", "−∞") or a text a Date
 * cannot read (shown raw); null for an ordinary ISO timestamp. See lib/db/timestamps.ts.
 */
export function oddTimestamp(iso: string): string | null {
  if (iso === "infinity") return "∞";
  if (iso === "-infinity") return "−∞";
  return Number.isFinite(Date.parse(iso)) ? null : iso;
}

/** "3 min ago" / "in 2 h" relative to now. */
export function formatRelative(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return "—";
  const odd = oddTimestamp(iso);
  if (odd !== null) return odd;
  const diff = (now - new Date(iso).getTime()) / 1000;
  const abs = Math.abs(diff);
  const unit =
    abs < 45
      ? `${Math.round(abs)} s`
      : abs < 3600
        ? `${Math.round(abs / 60)} min`
        : abs < 86400 * 2
          ? `${Math.round(abs / 3600)} h`
          : `${Math.round(abs / 86400)} d`;
  if (abs < 5) return "just now";
  return diff >= 0 ? `${unit} ago` : `in ${unit}`;
}

/** Exact time for tooltips: "2026-01-31 12:00:05 UTC". */
export function formatExact(iso: string | null | undefined): string {
  if (!iso) return "";
  const odd = oddTimestamp(iso);
  if (odd !== null) return odd;
  return new Date(iso)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, " UTC");
}

/** An ISO timestamp to the minute, as tables show it: "2026-01-31 12:00 UTC"; none → "—". */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  const odd = oddTimestamp(iso);
  if (odd !== null) return odd;
  return iso
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z")
    .replace(/:\d\dZ$/, " UTC");
}

/** The first `len` characters of a long id and "…" (kept whole when only one character longer); none → "—". */
export function shortId(id: string | null | undefined, len = 10): string {
  if (!id) return "—";
  return id.length > len + 1 ? `${id.slice(0, len)}…` : id;
}

/** Bytes the way pg_size_pretty writes them (1024-based): "512 bytes", "8.0 kB", "1.2 GB"; none → "—". */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  const units = ["kB", "MB", "GB", "TB", "PB"];
  if (Math.abs(n) < 1024) return `${Math.round(n)} bytes`;
  let v = n / 1024;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** A ratio as a percentage: 0.9873 → "98.7 %"; none → "—". */
export function formatPercent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return "—";
  return `${(ratio * 100).toFixed(digits)} %`;
}

/**
 * The one line of an error worth showing in a list: the first non-empty line, except for a
 * Python traceback, where the last line (the exception) says what went wrong.
 */
export function errorHeadline(s: string | null | undefined, max = 300): string | null {
  if (!s) return null;
  const lines = s
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length === 0) return null;
  const line =
    /^Traceback \(most recent call last\)/.test(lines[0]) && lines.length > 1 ? lines[lines.length - 1] : lines[0];
  return line.slice(0, max);
}

/** datetime-local inputs want "YYYY-MM-DDTHH:mm" in the browser's time zone; "" for no or a bad date. */
export function toLocalInput(v?: string | Date | null): string {
  if (!v) return "";
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value (browser time zone) as a Date; null when empty or not a date. */
export function fromLocalInput(v: string): Date | null {
  if (!v) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}
