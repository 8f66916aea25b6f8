"use client";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, useSyncExternalStore, useTransition } from "react";

/**
 * Live refresh (off / 5 / 15 / 60 s), the one way every page that shows moving data refreshes:
 * the choice is remembered per page in localStorage (off until chosen), ticks pause while the tab
 * is hidden and catch up as soon as it is shown again.
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

function useRefreshSetting(key: string, fallback: (typeof REFRESH_CHOICES)[number] = 0): [number, (s: number) => void] {
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

/**
 * Calls `refresh` every chosen interval while the tab is visible (and not `paused`: an open dialog). Returns the setting, its setter
 * and when the last tick finished.
 */
export function useLiveRefresh(
  storageKey: string,
  refresh: () => unknown,
  opts: { fallback?: (typeof REFRESH_CHOICES)[number]; paused?: boolean } = {},
) {
  const [seconds, setSeconds] = useRefreshSetting(storageKey, opts.fallback);
  const active = seconds > 0 && !opts.paused;
  const [tickedAt, setTickedAt] = useState(0);
  const latest = useRef(refresh);
  useEffect(() => {
    latest.current = refresh;
  });
  useEffect(() => {
    if (!active) return;
    let timer: ReturnType<typeof setInterval> | undefined;
    const tick = async () => {
      if (document.visibilityState !== "visible") return;
      await latest.current();
      setTickedAt(Date.now());
    };
    const start = () => {
      clearInterval(timer);
      timer = setInterval(tick, seconds * 1000);
    };
    const onVisibility = () => {
      if (document.visibilityState !== "visible") return clearInterval(timer);
      void tick();
      start();
    };
    start();
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [active, seconds]);
  return { seconds, setSeconds, tickedAt };
}

/** Live refresh of a server-rendered page (overview, job, tasks): re-renders it in place. */
export function LiveRefresh({ storageKey }: { storageKey: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const { seconds, setSeconds, tickedAt } = useLiveRefresh(storageKey, () => startTransition(() => router.refresh()));
  return <LiveRefreshSelect value={seconds} onChange={setSeconds} fetching={pending} updatedAt={tickedAt} />;
}

/** Live refresh of a TanStack query (the jobs list, the health report): refetches it in place. */
export function QueryLiveRefresh({
  storageKey,
  query,
  fallback,
  paused,
}: {
  storageKey: string;
  query: { refetch: () => Promise<unknown>; isFetching: boolean; dataUpdatedAt: number };
  fallback?: (typeof REFRESH_CHOICES)[number];
  paused?: boolean;
}) {
  const { seconds, setSeconds } = useLiveRefresh(storageKey, () => query.refetch(), { fallback, paused });
  return (
    <LiveRefreshSelect
      value={seconds}
      onChange={setSeconds}
      fetching={query.isFetching}
      updatedAt={query.dataUpdatedAt}
    />
  );
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
