"use client";
import { useEffect, useId, useRef, useState, type ReactNode } from "react";

/**
 * A typed-confirmation dialog: the destructive button stays disabled until the user has typed
 * `expected` exactly. It wraps a <form> so it works with server actions (useActionState): pass
 * the action and any hidden fields; the typed text is sent as `confirmation`.
 */
export interface ConfirmDialogProps {
  open: boolean;
  onClose: () => void;
  title: string;
  /** What the user must type (e.g. the table name). */
  expected: string;
  confirmLabel: string;
  /** The form action (a server action, usually from useActionState). */
  action: (form: FormData) => void;
  hidden?: Record<string, string>;
  pending?: boolean;
  /** An error or result message to show above the buttons. */
  message?: string;
  children?: ReactNode;
}

export function ConfirmDialog({ open, onClose, title, expected, confirmLabel, action, hidden, pending, message, children }: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState("");
  const inputId = useId();
  const titleId = useId();

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      setTyped("");
      d.showModal();
    } else if (!open && d.open) d.close();
  }, [open]);

  const matches = typed === expected;
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={onClose}
      onCancel={(e) => {
        if (pending) e.preventDefault();
      }}
      className="m-auto w-full max-w-lg rounded-lg border border-slate-300 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-950/60 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
    >
      <form action={action} className="flex flex-col gap-4 p-6">
        <h2 id={titleId} className="text-lg font-semibold">{title}</h2>
        {children ? <div className="text-sm text-slate-700 dark:text-slate-300">{children}</div> : null}
        {Object.entries(hidden ?? {}).map(([k, v]) => (
          <input key={k} type="hidden" name={k} value={v} />
        ))}
        <label htmlFor={inputId} className="text-sm">
          Type <code className="rounded bg-slate-100 px-1 font-mono dark:bg-slate-800">{expected}</code> to confirm
        </label>
        <input
          id={inputId}
          name="confirmation"
          autoComplete="off"
          spellCheck={false}
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          className="rounded border border-slate-300 bg-white px-3 py-2 font-mono text-sm dark:border-slate-600 dark:bg-slate-950"
        />
        {message ? (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400">{message}</p>
        ) : null}
        <div className="flex justify-end gap-2">
          <button
            type="button"
            onClick={onClose}
            disabled={pending}
            className="rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100 disabled:opacity-50 dark:border-slate-600 dark:hover:bg-slate-800"
          >
            Cancel
          </button>
          <button
            type="submit"
            disabled={!matches || pending}
            className="rounded bg-red-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-700 disabled:cursor-not-allowed disabled:opacity-40"
          >
            {pending ? "Working…" : confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
