"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import type { ActionState } from "@/lib/actions/state";
import { safeNextPath } from "@/lib/auth/next-path";
import { getSession } from "@/lib/auth/session";
import { getConfig } from "@/lib/config";

const LocalSignIn = z.object({
  name: z.string().trim().min(1, "Enter a name").max(100, "At most 100 characters"),
  role: z.enum(["admin", "reader"], { message: "Choose admin or reader" }),
  next: z.string().optional(),
});

/** Development sign-in: pick a name and a role. Refused wherever local auth is disabled. */
export async function localSignIn(_prev: ActionState, form: FormData): Promise<ActionState> {
  const cfg = getConfig();
  if (!cfg.localAuth.enabled) return { ok: false, message: `Local sign-in is disabled: ${cfg.localAuth.refusal}.` };
  const parsed = LocalSignIn.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const i of parsed.error.issues) fieldErrors[String(i.path[0])] ??= i.message;
    return { ok: false, message: "Check the highlighted fields.", fieldErrors };
  }
  const { name, role, next } = parsed.data;
  const session = await getSession();
  session.user = { id: `local:${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`, name, role };
  await session.save();
  redirect(safeNextPath(next));
}

export async function signOut(): Promise<void> {
  const session = await getSession();
  session.destroy();
  redirect("/signin");
}
