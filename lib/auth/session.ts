import "server-only";
import { cookies } from "next/headers";
import { getIronSession, sealData, unsealData, type SessionOptions } from "iron-session";
import { getConfig } from "../config";
import { sessionCookieName, type SessionData } from "./session-rules";

export { sessionExpiry, type SessionData, type SessionUser } from "./session-rules";

export function sessionOptions(): SessionOptions {
  const cfg = getConfig();
  const secure = cfg.origin.startsWith("https://");
  return {
    cookieName: sessionCookieName(cfg.origin),
    password: cfg.session.secret,
    // The cookie itself lives as long as the absolute lifetime; sessionExpiry() enforces both limits.
    ttl: cfg.session.maxAgeSeconds,
    cookieOptions: { httpOnly: true, sameSite: "lax", secure, path: "/" },
  };
}

export async function getSession() {
  return getIronSession<SessionData>(await cookies(), sessionOptions());
}

/**
 * The short-lived cookie that carries one sign-in attempt from /auth/sign-in to /auth/callback:
 * state, nonce, PKCE verifier and where to go afterwards. Sealed, 10 minutes.
 */
export interface SignInFlow {
  state: string;
  nonce: string;
  verifier: string;
  next: string;
}
export const FLOW_TTL_SECONDS = 600;
export const flowCookieName = (origin: string) =>
  origin.startsWith("https://") ? "__Host-geoetl_signin" : "geoetl_signin";

export const sealFlow = (flow: SignInFlow, secret: string) =>
  sealData(flow, { password: secret, ttl: FLOW_TTL_SECONDS });
export async function unsealFlow(sealed: string | undefined, secret: string): Promise<SignInFlow | null> {
  if (!sealed) return null;
  try {
    const f = await unsealData<Partial<SignInFlow>>(sealed, { password: secret, ttl: FLOW_TTL_SECONDS });
    return f.state && f.nonce && f.verifier && typeof f.next === "string" ? (f as SignInFlow) : null;
  } catch {
    return null;
  }
}
