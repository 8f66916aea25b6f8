"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { actionError, type ActionState } from "@/lib/actions/state";
import { auditActor, tryWriteAudit } from "@/lib/db/audit";
import { requireUnpublisher, unpublishTable, UNPUBLISH_ACTION } from "@/lib/db/unpublish";

const Form = z.object({
  table_name: z.string().min(1, "Missing table name"),
  confirmation: z.string(),
  return_to: z.enum(["/geo", "/orphans"]).default("/geo"),
});

/** The unpublish button's server action: the same function as the JSON API, admin only. */
export async function unpublishAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const raw = form.get("table_name");
  let returnTo: string;
  try {
    const user = await requireUnpublisher(typeof raw === "string" ? raw : null);
    const parsed = Form.safeParse(Object.fromEntries(form));
    if (!parsed.success || parsed.data.confirmation !== parsed.data.table_name) {
      const message = parsed.success ? "Type the table name exactly to confirm." : (parsed.error.issues[0]?.message ?? "Invalid request");
      await tryWriteAudit({ ...auditActor(user), action: UNPUBLISH_ACTION, target: typeof raw === "string" ? raw : null, outcome: "failure", details: { error: message } });
      return { ok: false, message, fieldErrors: { confirmation: message } };
    }
    const result = await unpublishTable(parsed.data.table_name, user);
    if (!result.success) return { ok: false, message: result.error };
    revalidatePath("/geo");
    revalidatePath("/orphans");
    revalidatePath("/audit");
    returnTo = `${parsed.data.return_to}?unpublished=${encodeURIComponent(result.table_name)}${result.warnings?.length ? `&warnings=${result.warnings.length}` : ""}`;
  } catch (err) {
    return actionError(err);
  }
  redirect(returnTo);
}
