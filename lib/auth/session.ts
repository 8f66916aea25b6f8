import "server-only";
import { cookies } from "next/headers";
import { getIronSession, type SessionOptions } from "iron-session";
import { getConfig } from "../config";
import type { Role } from "./permissions";

/** The session lives in an encrypted cookie, so any console instance can serve any request. */
export interface SessionData {
  user?: { id: string; name: string; email?: string; role: Role };
}

export const SESSION_COOKIE = "geoetl_session";

function sessionOptions(): SessionOptions {
  const cfg = getConfig();
  return {
    cookieName: SESSION_COOKIE,
    password: cfg.sessionSecret,
    ttl: 8 * 60 * 60,
    cookieOptions: {
      httpOnly: true,
      sameSite: "lax",
      // Secure unless we serve plain http on this machine (local demo and tests).
      secure: cfg.nodeEnv === "production" && !cfg.localAuth.enabled,
      path: "/",
    },
  };
}

export async function getSession() {
  return getIronSession<SessionData>(await cookies(), sessionOptions());
}
