import { AppError, toAppError } from "../api/errors";
import { log } from "../log";

/** What a server action returns to its form (useActionState): a message and per-field errors. */
export interface ActionState {
  ok: boolean;
  message?: string;
  /** The same code and status the JSON API answers for this refusal (forbidden/403, bad_request/400...). */
  code?: string;
  status?: number;
  fieldErrors?: Record<string, string>;
}

export const initialActionState: ActionState = { ok: false };

/** Turns anything a server action threw into a state the form can show next to the button. */
export function actionError(err: unknown): ActionState {
  const e = toAppError(err);
  if (e.code === "internal") log.error("server action failed", { error: String((err as Error)?.stack ?? err) });
  const field = e instanceof AppError && typeof e.details?.parameter === "string" ? e.details.parameter : undefined;
  return {
    ok: false,
    message: e.message,
    code: e.code,
    status: e.status,
    fieldErrors: field ? { [field]: e.message } : undefined,
  };
}
