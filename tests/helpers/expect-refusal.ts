import type { AppError } from "@/lib/api/errors";
import { resetConfigCache } from "@/lib/config";

/** The AppError a promise is refused with; fails the test if it resolves. */
export const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected a refusal");
    },
    (e: unknown) => e as AppError,
  );

/** Sets (or, with undefined, removes) environment variables and makes the config read them again. */
export function settings(env: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetConfigCache();
}
