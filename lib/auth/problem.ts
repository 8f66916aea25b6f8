import "server-only";
import { NextResponse } from "next/server";
import { getConfig } from "../config";
import { log } from "../log";

/**
 * A sign-in that cannot go on lands on /signin with a fixed reason code (never text from the
 * request, so the page cannot be made to say anything else); the cause is logged.
 */
export type SignInProblem = "not_configured" | "unreachable" | "failed" | "expired" | "state";

export function signInProblem(reason: SignInProblem, err?: unknown): NextResponse {
  if (err !== undefined) {
    log.warn("sign-in failed", { reason, error: (err as Error)?.message ?? String(err) });
  }
  return NextResponse.redirect(`${getConfig().origin}/signin?problem=${reason}`, 303);
}
