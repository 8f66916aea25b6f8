"use client";
import { useActionState } from "react";
import { initialActionState } from "@/lib/actions/state";
import { localSignIn } from "./actions";

export function LocalSignInForm({ next }: { next?: string }) {
  const [state, action, pending] = useActionState(localSignIn, initialActionState);
  const field = "mt-1 w-full rounded border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-950";
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="next" value={next ?? ""} />
      <label className="block text-sm font-medium">
        Name
        <input name="name" defaultValue="Dev Admin" autoFocus aria-invalid={!!state.fieldErrors?.name} aria-describedby="name-error" className={field} />
        {state.fieldErrors?.name ? <span id="name-error" className="mt-1 block text-sm text-red-600">{state.fieldErrors.name}</span> : null}
      </label>
      <fieldset>
        <legend className="text-sm font-medium">Role</legend>
        <div className="mt-1 flex gap-4 text-sm">
          <label className="flex items-center gap-2"><input type="radio" name="role" value="admin" defaultChecked /> admin (can change things)</label>
          <label className="flex items-center gap-2"><input type="radio" name="role" value="reader" /> reader (read-only)</label>
        </div>
        {state.fieldErrors?.role ? <span className="mt-1 block text-sm text-red-600">{state.fieldErrors.role}</span> : null}
      </fieldset>
      {state.message && !state.ok ? <p role="alert" className="text-sm text-red-600">{state.message}</p> : null}
      <button type="submit" disabled={pending} className="w-full rounded bg-sky-700 px-4 py-2 font-medium text-white hover:bg-sky-800 disabled:opacity-60">
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
