"use client";
import { useEffect, useState } from "react";
import { formatExact, formatRelative } from "@/lib/format";

/** "3 min ago", the exact UTC time on hover; re-renders every 30 s so it does not go stale. */
export function RelativeTime({ iso }: { iso: string | null | undefined }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);
  if (!iso) return <span className="text-slate-400">—</span>;
  return (
    <time dateTime={iso} title={formatExact(iso)} suppressHydrationWarning className="whitespace-nowrap">
      {formatRelative(iso, now)}
    </time>
  );
}
