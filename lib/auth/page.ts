import "server-only";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { AppError } from "../api/errors";
import { requireRole } from "./guard";
import { safeNextPath } from "./next-path";
import type { Role, User } from "./permissions";

/**
 * The guard for layouts and pages: the same requireRole(), with the failures a browser
 * understands: anonymous → the sign-in page (and back here afterwards), wrong role → the 403 page.
 */
export async function requirePageRole(role: Role = "reader"): Promise<User> {
  try {
    return await requireRole(role);
  } catch (err) {
    if (err instanceof AppError && err.code === "unauthorized") {
      // Set by proxy.ts; sanitised again because a header is only a hint.
      const next = safeNextPath((await headers()).get("x-console-path"));
      redirect(next === "/" ? "/auth/sign-in" : `/auth/sign-in?next=${encodeURIComponent(next)}`);
    }
    if (err instanceof AppError && err.code === "forbidden") forbidden();
    throw err;
  }
}
