import "server-only";
import { auditRefusal } from "../audit/refusals";
import { auditActor } from "../db/audit";
import { log } from "../log";
import { getCurrentUser } from "./guard";
import type { User } from "./permissions";

/**
 * A cross-site mutation refused (lib/auth/csrf.ts): a security event, so it is audited when it
 * carried a valid session (whose owner a foreign page tried to act as; OWASP's logging cheat sheet
 * lists CSRF failures among the events to record), rate-limited like every refusal. Without a valid
 * session there is nobody to record it against: a log line.
 */
export async function recordCrossSite(
  req: Request,
  door: "route" | "action",
  requestId: string | null,
  /** The caller when already known (the proxy reads its session cookie itself). */
  known?: User | null,
): Promise<void> {
  const url = new URL(req.url);
  const facts = {
    method: req.method,
    path: url.pathname.slice(0, 256),
    origin: req.headers.get("origin")?.slice(0, 256) ?? null,
    sec_fetch_site: req.headers.get("sec-fetch-site")?.slice(0, 32) ?? null,
    door,
  };
  const user = known !== undefined ? known : await getCurrentUser().catch(() => null);
  if (!user) {
    log.warn("cross-site request refused", facts);
    return;
  }
  await auditRefusal({
    actor: auditActor(user),
    action: "security.cross_site",
    target: facts.path,
    parameters: facts,
    outcome: "refused",
    error: { message: "Cross-site request refused.", code: "forbidden" },
    requestId,
  });
}
