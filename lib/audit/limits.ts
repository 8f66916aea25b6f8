import "server-only";
import { cutText } from "../db/audit";

/**
 * Keeping "every attempt is audited" affordable when the attempts are an attack: what a row may
 * hold of a request's parameters, and how many refusals one identity may write per window.
 */

/** Control parameters every operation accepts (the confirmation and its binding). */
const CONTROL = ["confirm", "confirmation", "fingerprint", "cascade", "operation", "accept_dependents"];
export const PARAMETER_LIMITS = { keys: 16, valueChars: 200, droppedNames: 5 } as const;

/**
 * A bounded summary of what the caller sent: only the parameters the operation knows (and the
 * control ones), at most 16, each value cut to 200 characters; what was left out is counted and
 * its first few names kept, so the row says it is a summary. At most ~4 KB of JSON.
 */
export function summariseParameters(raw: Record<string, unknown>, known?: readonly string[]): Record<string, unknown> {
  const allowed = known ? new Set([...known, ...CONTROL]) : null;
  const out: Record<string, unknown> = {};
  const dropped: string[] = [];
  for (const [k, v] of Object.entries(raw)) {
    if ((allowed && !allowed.has(k)) || Object.keys(out).length >= PARAMETER_LIMITS.keys) {
      dropped.push(k);
      continue;
    }
    const text = typeof v === "string" ? v : (JSON.stringify(v) ?? String(v));
    out[cutText(k, 64)] = cutText(text, PARAMETER_LIMITS.valueChars);
  }
  if (dropped.length)
    out._dropped = {
      count: dropped.length,
      names: dropped.slice(0, PARAMETER_LIMITS.droppedNames).map((n) => cutText(n, 64)),
      why: allowed ? "not parameters of this operation, or past 16" : "past 16 parameters",
    };
  return out;
}

export interface RefusalWindow {
  /** Write this refusal's row. */
  write: boolean;
  /** Seconds until this identity's refusals are written again (when suppressed). */
  retryAfterSeconds: number;
  /** True for the refusal that crossed the threshold: its row says the next ones are suppressed. */
  threshold: boolean;
  /** True for the first refusal not written in this window (log it once, not thousands of times). */
  firstSuppressed: boolean;
}

interface Counter<M> {
  meta: M;
  start: number;
  count: number;
  suppressed: number;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * Per-identity refusals in fixed windows (per process: each instance counts its own). Past
 * `max` in a window, refusals are not written; when the window closes, `onSuppressed` gets how
 * many were, for one summary row. Successful, failed and conflicting operations never pass here.
 */
export class RefusalLimiter<M = unknown> {
  private readonly counters = new Map<string, Counter<M>>();
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly onSuppressed: (meta: M, count: number, from: Date, to: Date) => void,
    private readonly maxIdentities = 10_000,
  ) {}

  /** `meta` (who it is) comes back in onSuppressed. */
  admit(identity: string, meta: M, now = Date.now()): RefusalWindow {
    let c = this.counters.get(identity);
    if (!c || now - c.start >= this.windowMs) {
      if (c) this.close(identity, c, now);
      if (this.counters.size >= this.maxIdentities) this.closeOldest(now);
      c = { meta, start: now, count: 0, suppressed: 0 };
      this.counters.set(identity, c);
    }
    c.count++;
    const retryAfterSeconds = Math.max(1, Math.ceil((c.start + this.windowMs - now) / 1000));
    if (c.count <= this.max)
      return { write: true, retryAfterSeconds, threshold: c.count === this.max, firstSuppressed: false };
    c.suppressed++;
    if (!c.timer) {
      const counter = c;
      c.timer = setTimeout(() => this.close(identity, counter, Date.now()), c.start + this.windowMs - now);
      c.timer.unref?.();
    }
    return { write: false, retryAfterSeconds, threshold: false, firstSuppressed: c.suppressed === 1 };
  }

  /** Ends an identity's window: its suppressed count goes out once. */
  private close(identity: string, c: Counter<M>, now: number): void {
    if (c.timer) clearTimeout(c.timer);
    if (this.counters.get(identity) === c) this.counters.delete(identity);
    if (c.suppressed > 0)
      this.onSuppressed(c.meta, c.suppressed, new Date(c.start), new Date(Math.min(now, c.start + this.windowMs)));
    c.suppressed = 0;
  }

  private closeOldest(now: number): void {
    const [identity, c] = this.counters.entries().next().value as [string, Counter<M>];
    this.close(identity, c, now);
  }

  /** Tests: every open window closed now. */
  flush(now = Date.now()): void {
    for (const [identity, c] of [...this.counters]) this.close(identity, c, now);
  }
}
