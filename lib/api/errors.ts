/**
 * One error type for the whole app, mapped to HTTP once (lib/api/respond.ts).
 * `message` is shown to the user, so it says what to do, not how the server failed.
 */
export type ErrorCode =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "misdirected"
  | "conflict"
  | "unprocessable"
  | "too_many_requests"
  | "database_unavailable"
  | "service_unavailable"
  | "internal";

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  misdirected: 421,
  conflict: 409,
  unprocessable: 422,
  too_many_requests: 429,
  database_unavailable: 503,
  service_unavailable: 503,
  internal: 500,
};

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "AppError";
    this.status = STATUS[code];
  }
}

// libpq/pg error codes and Node socket errors that mean "the database is not reachable".
const UNAVAILABLE_SQLSTATES = new Set([
  "57P01",
  "57P02",
  "57P03",
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
  "53300",
  "3D000",
  "28000",
  "28P01",
]);
const UNAVAILABLE_ERRNO = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "ETIMEDOUT",
  "ECONNRESET",
  "EHOSTUNREACH",
  "EAI_AGAIN",
]);

export function isDatabaseUnavailable(err: unknown): boolean {
  if (!err || typeof err !== "object") return false;
  const e = err as { code?: string; message?: string; errors?: unknown[] };
  if (e.code && (UNAVAILABLE_SQLSTATES.has(e.code) || UNAVAILABLE_ERRNO.has(e.code))) return true;
  if (Array.isArray(e.errors) && e.errors.some(isDatabaseUnavailable)) return true; // AggregateError (IPv4+IPv6)
  return /timeout exceeded when trying to connect|Connection terminated/i.test(e.message ?? "");
}

/** Normalises anything thrown into an AppError; unknown errors become a logged 500. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isDatabaseUnavailable(err)) {
    return new AppError(
      "database_unavailable",
      "The database is unavailable. Check that it is running and reachable, then retry.",
    );
  }
  if (err && typeof err === "object" && (err as { code?: string }).code === "57014") {
    // 57014 is every cancellation: only a statement_timeout means "too slow, narrow the filter".
    // An admin cancelling the backend (pg_cancel_backend, the health page) is something else.
    if (/statement timeout/i.test((err as { message?: string }).message ?? "")) {
      return new AppError(
        "database_unavailable",
        "The query took too long and was cancelled (statement_timeout). Narrow the filter and retry.",
      );
    }
    return new AppError(
      "database_unavailable",
      "The query was cancelled on the database server (for example by an administrator). Retry.",
    );
  }
  return new AppError("internal", "Something went wrong on the server. The error was logged.");
}
