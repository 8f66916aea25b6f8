"use client";
import { useSyncExternalStore } from "react";

/**
 * Live refresh interval (off / 5 / 15 / 60 s), remembered per list in localStorage (until chosen:
 * the list's default, off unless it says otherwise). The queries use it as refetchInterval with
 * refetchIntervalInBackground off: paused while the tab is hidden.
 */
export const REFRESH_CHOICES = [0, 5, 15, 60] as const;
const EVENT = "geoetl-refresh-setting";

function read(key: string, fallback: number): number {
  try {
    const stored = window.localStorage.getItem(key);
    if (stored === null) return fallback;
    const n = Number(stored);
    return (REFRESH_CHOICES as readonly number[]).includes(n) ? n : fallback;
  } catch {
    return fallback;
  }
}

function subscribe(cb: () => void) {
  window.addEventListener("storage", cb);
  window.addEventListener(EVENT, cb);
  return () => {
    window.removeEventListener("storage", cb);
    window.removeEventListener(EVENT, cb);
  };
}

export function useRefreshSetting(
  key: string,
  fallback: (typeof REFRESH_CHOICES)[number] = 0,
): [number, (s: number) => void] {
  const seconds = useSyncExternalStore(
    subscribe,
    () => read(key, fallback),
    () => fallback,
  );
  const set = (s: number) => {
    try {
      window.localStorage.setItem(key, String(s));
    } catch {
      /* private mode: the choice just isn't remembered */
    }
    window.dispatchEvent(new Event(EVENT));
  };
  return [seconds, set];
}

const noopSubscribe = () => () => undefined;

export function LiveRefreshSelect({
  value,
  onChange,
  fetching,
  updatedAt,
}: {
  value: number;
  onChange: (s: number) => void;
  fetching: boolean;
  updatedAt: number;
}) {
  // The time is rendered in the browser only (server and browser clocks/time zones differ).
  const isClient = useSyncExternalStore(
    noopSubscribe,
    () => true,
    () => false,
  );
  return (
    <div className="flex items-center gap-2 text-sm">
      <label htmlFor="live-refresh" className="text-slate-600 dark:text-slate-400">
        Live refresh
      </label>
      <select
        id="live-refresh"
        value={value}
        onChange={(e) => onChange(Number(e.target.value))}
        className="rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-900"
      >
        {REFRESH_CHOICES.map((s) => (
          <option key={s} value={s}>
            {s === 0 ? "Off" : `Every ${s} s`}
          </option>
        ))}
      </select>
      <span className="w-24 text-xs text-slate-600 dark:text-slate-400" aria-live="polite" data-testid="refresh-state">
        {!isClient
          ? ""
          : fetching
            ? "Refreshing…"
            : updatedAt
              ? `Updated ${new Date(updatedAt).toLocaleTimeString("en-GB")}`
              : ""}
      </span>
    </div>
  );
}
