"use server";
import { actionError, type ActionState } from "../actions/state";
import { AppError } from "../api/errors";
import { summariseParameters } from "../audit/limits";
import { auditRefusal } from "../audit/refusals";
import { auditActor } from "../db/audit";
import { inputKeys, requireOperator, runOperation } from "./pipeline";
import { operationNamed } from "./registry";

/**
 * The one server action behind every destructive dialog (unpublish, cleanup, schema maintenance):
 * the same pipeline as the JSON API. The form carries the operation's name and parameters, the
 * typed confirmation, the fingerprint of the plan the person saw and, when the plan listed
 * dependents, their explicit acceptance.
 */
export interface OperationActionState extends ActionState {
  result?: unknown;
}

const CONTROL_FIELDS = new Set(["operation", "confirmation", "fingerprint", "accept_dependents"]);

export async function runOperationAction(_prev: OperationActionState, form: FormData): Promise<OperationActionState> {
  const text = (k: string) => {
    const v = form.get(k);
    return typeof v === "string" ? v : undefined;
  };
  const params: Record<string, string> = {};
  for (const [k, v] of form) if (typeof v === "string" && !CONTROL_FIELDS.has(k) && !k.startsWith("$")) params[k] = v;
  const op = operationNamed(text("operation"));
  try {
    // The caller first, whatever else the form says.
    const user = await requireOperator(
      op?.action ?? "unknown",
      params.table_name ?? null,
      params,
      op ? inputKeys(op) : undefined,
    );
    if (!op) {
      // An admin's form naming no operation: refused and audited like any other refusal.
      const err = new AppError("bad_request", "Unknown operation.", { parameter: "operation" });
      await auditRefusal({
        actor: auditActor(user),
        action: "operation.unknown",
        target: null,
        parameters: summariseParameters({ operation: text("operation") ?? null, ...params }),
        outcome: "refused",
        error: { message: err.message, code: err.code },
      });
      return actionError(err);
    }
    const { result } = await runOperation(op, params, user, {
      confirm: { typed: text("confirmation") },
      fingerprint: text("fingerprint") || null,
      acceptDependents: text("accept_dependents") === "yes",
    });
    // No revalidatePath here: re-rendering now would replace the dialog (and its result) with
    // the page of an object that is gone. The dialog refreshes or navigates when it is closed.
    return { ok: true, message: "Done.", result };
  } catch (err) {
    return actionError(err);
  }
}
