import "server-only";
import { forbidden, redirect } from "next/navigation";
import { AppError } from "../api/errors";
import { requireRole } from "./guard";
import type { Role, User } from "./permissions";

/**
 * The guard for layouts and pages: the same requireRole(), with the failures a browser
 * understands: anonymous → the sign-in page, wrong role → the 403 page.
 */
export async function requirePageRole(role: Role = "reader"): Promise<User> {
  try {
    return await requireRole(role);
  } catch (err) {
    if (err instanceof AppError && err.code === "unauthorized") redirect("/signin");
    if (err instanceof AppError && err.code === "forbidden") forbidden();
    throw err;
  }
}
