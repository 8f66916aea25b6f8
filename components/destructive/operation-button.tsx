"use client";
import { useRouter } from "next/navigation";
import { useActionState, useEffect, useId, useRef, useState } from "react";
import { runOperationAction, type OperationActionState } from "@/lib/destructive/actions";
import { OPERATION_PATHS, type OperationPathName } from "@/lib/destructive/paths";
// Types only (erased at build): the plan as the API sends it.
import type { PlanItem, PublicPlan } from "@/lib/destructive/types";

/**
 * The button of a destructive operation and its dialog. Opening it fetches a fresh plan (GET on
 * the operation's API path): exactly what will go, with counts and sizes, dependents, warnings.
 * Confirming needs the plan's text typed exactly (and, with dependents, a second checkbox naming
 * them); the form sends the plan's fingerprint, so a page that went stale meanwhile is refused
 * with "changed since you looked". While it runs, the dialog shows step n of m; afterwards the
 * result the server returned.
 */
interface Props {
  operation: OperationPathName;
  params: Record<string, string>;
  label: string;
  compact?: boolean;
  /** Where to go after a successful run is closed (e.g. the list, when the page's object is gone); default: refresh. */
  afterDone?: string;
  /** Told when the dialog opens and closes (a live-refreshing page pauses meanwhile, so the row and its dialog stay). */
  onOpenChange?: (open: boolean) => void;
  /** An accessible name for the button when its visible label is short (e.g. "Cancel query of pid 42"). */
  ariaLabel?: string;
  /** The dismiss button, named for what it does where "Cancel" would be ambiguous ("Keep it running"). */
  dismissLabel?: string;
}

interface Running {
  action: string;
  step: number;
  steps_total: number;
  step_label: string | null;
}

const initial: OperationActionState = { ok: false };

export function OperationButton({
  operation,
  params,
  label,
  compact = false,
  afterDone,
  onOpenChange,
  ariaLabel,
  dismissLabel = "Cancel",
}: Props) {
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const [open, setOpen] = useState(false);
  const [plan, setPlan] = useState<PublicPlan | null>(null);
  const [planError, setPlanError] = useState<string | null>(null);
  const [typed, setTyped] = useState("");
  const [acceptDependents, setAcceptDependents] = useState(false);
  const [state, action, pending] = useActionState(runOperationAction, initial);
  const [progress, setProgress] = useState<Running | null>(null);
  const ids = { title: useId(), confirm: useId(), error: useId(), deps: useId() };
  const query = new URLSearchParams(params).toString();

  const openDialog = () => {
    setPlan(null);
    setPlanError(null);
    setTyped("");
    setAcceptDependents(false);
    setOpen(true);
    onOpenChange?.(true);
    dialog.current?.showModal();
  };

  // Open: a fresh plan every time.
  useEffect(() => {
    if (!open) return;
    let cancelled = false;
    fetch(`${OPERATION_PATHS[operation]}?${query}`, { headers: { accept: "application/json" } })
      .then(async (r) => {
        const body = await r.json().catch(() => null);
        if (cancelled) return;
        if (r.ok && body?.plan) setPlan(body.plan as PublicPlan);
        else setPlanError(body?.error?.message ?? body?.error ?? `The plan could not be made (HTTP ${r.status}).`);
      })
      .catch(() => !cancelled && setPlanError("The server cannot be reached. Retry in a moment."));
    return () => {
      cancelled = true;
    };
  }, [open, operation, query]);

  // While it runs: step n of m, from the server.
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(async () => {
      const r = await fetch("/api/dbadmin/maintenance/status").catch(() => null);
      const body = r?.ok ? await r.json().catch(() => null) : null;
      const mine = (body?.running as Running[] | undefined)?.find((x) => plan && x.action === plan.action);
      setProgress(mine ?? null);
    }, 700);
    return () => {
      clearInterval(timer);
      setProgress(null);
    };
  }, [pending, plan]);

  const close = () => {
    dialog.current?.close();
    setOpen(false);
    onOpenChange?.(false);
    if (state.ok) {
      if (afterDone) router.push(afterDone);
      else router.refresh();
    }
    trigger.current?.focus();
  };

  const done = state.ok && state.result !== undefined;
  const needsDependents = !!plan?.dependents.length;
  const canSubmit = !!plan && typed === plan.confirmText && (!needsDependents || acceptDependents) && !pending && !done;
  const fieldError = state.fieldErrors?.confirmation;

  return (
    <>
      <button
        ref={trigger}
        type="button"
        onClick={openDialog}
        aria-label={ariaLabel}
        className={`rounded border border-red-300 font-medium text-red-700 hover:bg-red-50 dark:border-red-800 dark:text-red-400 dark:hover:bg-red-950/40 ${compact ? "px-2 py-0.5 text-xs" : "px-3 py-1.5 text-sm"}`}
      >
        {label}
      </button>
      <dialog
        ref={dialog}
        aria-labelledby={ids.title}
        onClose={() => open && close()}
        onCancel={(e) => pending && e.preventDefault()}
        className="m-auto w-full max-w-2xl rounded-lg border border-slate-300 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-950/60 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
      >
        <form action={action} className="flex flex-col gap-4 p-6">
          <h2 id={ids.title} className="text-lg font-semibold">
            {plan ? `${plan.title}: ${plan.target}` : label}
          </h2>
          {!plan && !planError ? <p role="status">Working out exactly what this would change…</p> : null}
          {planError ? (
            <p role="alert" className="text-sm text-red-700 dark:text-red-400" data-testid="plan-error">
              {planError}
            </p>
          ) : null}
          {plan ? <PlanView plan={plan} /> : null}
          {plan && needsDependents && !done ? (
            <label className="flex items-start gap-2 rounded border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950/30">
              <input
                type="checkbox"
                name="accept_dependents"
                value="yes"
                checked={acceptDependents}
                onChange={(e) => setAcceptDependents(e.target.checked)}
                aria-describedby={ids.deps}
              />
              <span id={ids.deps}>
                Also drop the {plan.dependents.length} dependent object{plan.dependents.length > 1 ? "s" : ""} listed
                above ({plan.dependents.map((d) => d.name).join(", ")}).
              </span>
            </label>
          ) : null}
          <input type="hidden" name="operation" value={operation} />
          {Object.entries(params).map(([k, v]) => (
            <input key={k} type="hidden" name={k} value={v} />
          ))}
          {plan ? <input type="hidden" name="fingerprint" value={plan.fingerprint} /> : null}
          {Object.entries(plan?.bind ?? {})
            .filter(([k]) => !(k in params))
            .map(([k, v]) => (
              <input key={k} type="hidden" name={k} value={v} />
            ))}
          {plan && !done ? (
            <div className="flex flex-col gap-1">
              <label htmlFor={ids.confirm} className="text-sm">
                Type <code className="rounded bg-slate-100 px-1 font-mono dark:bg-slate-800">{plan.confirmText}</code>{" "}
                to confirm
              </label>
              <input
                id={ids.confirm}
                name="confirmation"
                autoComplete="off"
                spellCheck={false}
                autoFocus
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
                aria-invalid={!!fieldError}
                aria-describedby={fieldError ? ids.error : undefined}
                className="rounded border border-slate-300 bg-white px-3 py-2 font-mono text-sm dark:border-slate-600 dark:bg-slate-950"
              />
              {fieldError ? (
                <p id={ids.error} className="text-sm text-red-700 dark:text-red-400">
                  {fieldError}
                </p>
              ) : null}
            </div>
          ) : null}
          {pending ? (
            <p role="status" className="text-sm" data-testid="operation-progress">
              {progress
                ? `Step ${progress.step} of ${progress.steps_total}: ${progress.step_label ?? "working"}…`
                : "Working…"}
            </p>
          ) : null}
          {!state.ok && state.message && !fieldError ? (
            <p role="alert" className="text-sm text-red-700 dark:text-red-400" data-testid="operation-error">
              {state.message}
            </p>
          ) : null}
          {done ? (
            <div
              role="status"
              className="rounded border border-emerald-300 bg-emerald-50 p-3 text-sm dark:border-emerald-800 dark:bg-emerald-950/30"
              data-testid="operation-result"
            >
              <p className="font-medium">Done. The server answered:</p>
              <pre className="mt-2 max-h-64 overflow-auto whitespace-pre-wrap break-all font-mono text-xs" tabIndex={0}>
                {JSON.stringify(state.result, null, 2)}
              </pre>
            </div>
          ) : null}
          <div className="flex justify-end gap-2">
            <button
              type="button"
              onClick={close}
              disabled={pending}
              className="rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100 disabled:opacity-50 dark:border-slate-600 dark:hover:bg-slate-800"
            >
              {done ? "Close" : dismissLabel}
            </button>
            {!done ? (
              <button
                type="submit"
                disabled={!canSubmit}
                className="rounded bg-red-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-800 disabled:cursor-not-allowed disabled:opacity-40"
              >
                {pending ? "Working…" : plan ? `${plan.title}` : label}
              </button>
            ) : null}
          </div>
        </form>
      </dialog>
    </>
  );
}

function Items({ items, testId }: { items: PlanItem[]; testId: string }) {
  return (
    <ul className="list-disc space-y-1 pl-5" data-testid={testId}>
      {items.map((i) => (
        <li key={`${i.kind}:${i.name}`}>
          {i.kind}: <code className="break-all font-mono">{i.name}</code>
          {i.detail ? <span className="text-slate-600 dark:text-slate-400"> ({i.detail})</span> : null}
        </li>
      ))}
    </ul>
  );
}

function PlanView({ plan }: { plan: PublicPlan }) {
  return (
    <div className="space-y-3 text-sm text-slate-700 dark:text-slate-300">
      <p>{plan.summary}</p>
      <div>
        <p className="mb-1 font-medium">This cannot be undone. It removes exactly:</p>
        <Items items={plan.items} testId="operation-plan" />
      </div>
      {plan.dependents.length ? (
        <div>
          <p className="mb-1 font-medium text-amber-800 dark:text-amber-300">
            Other objects depend on it and would go too:
          </p>
          <Items items={plan.dependents} testId="operation-dependents" />
        </div>
      ) : null}
      {plan.warnings.length ? (
        <ul className="list-disc pl-5 text-amber-800 dark:text-amber-300">
          {plan.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
