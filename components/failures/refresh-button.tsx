"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";

type State = { kind: "idle" } | { kind: "running"; rebuild: boolean } | { kind: "done" | "error"; text: string };

/**
 * Admins: refresh the failure index now, or rebuild it from scratch. POSTs the API route (which
 * checks the role and the origin itself and audits the run), then reloads the page's data.
 */
export function RefreshButtons() {
  const router = useRouter();
  const [state, setState] = useState<State>({ kind: "idle" });

  async function run(rebuild: boolean) {
    setState({ kind: "running", rebuild });
    try {
      const res = await fetch(`/api/dbadmin/failures/refresh${rebuild ? "?rebuild=true" : ""}`, {
        method: "POST",
        headers: { accept: "application/json" },
      });
      const body = await res.json().catch(() => null);
      if (!res.ok) {
        const text =
          res.status === 401
            ? "Your session has ended. Reload the page to sign in again."
            : (body?.error?.message ?? `The server answered ${res.status}.`);
        setState({ kind: "error", text });
        return;
      }
      setState({
        kind: "done",
        text: `${body.mode === "rebuild" ? "Rebuilt" : "Refreshed"}: ${Number(body.rows).toLocaleString("en-US")} rows read, ${Number(body.failed).toLocaleString("en-US")} failures indexed in ${(body.durationMs / 1000).toFixed(1)} s.`,
      });
      router.refresh();
    } catch {
      setState({ kind: "error", text: "The request did not reach the server. Check the connection and try again." });
    }
  }

  const busy = state.kind === "running";
  const cls =
    "rounded border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 disabled:opacity-60 dark:border-slate-700 dark:hover:bg-slate-800";
  return (
    <div className="flex flex-wrap items-center gap-2">
      <button type="button" className={cls} disabled={busy} onClick={() => run(false)}>
        {busy && !state.rebuild ? "Refreshing…" : "Refresh now"}
      </button>
      <button
        type="button"
        className={cls}
        disabled={busy}
        onClick={() => run(true)}
        title="Reads every failed task and job again (takes longer on a large database)"
      >
        {busy && state.rebuild ? "Rebuilding…" : "Rebuild index"}
      </button>
      <span
        role="status"
        className={`text-sm ${state.kind === "error" ? "text-red-700 dark:text-red-400" : "text-slate-600 dark:text-slate-400"}`}
      >
        {state.kind === "done" || state.kind === "error" ? state.text : ""}
      </span>
    </div>
  );
}
