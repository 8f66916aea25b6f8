import "server-only";
import { readFileSync } from "node:fs";
import { createPrivateKey, randomBytes } from "node:crypto";
import { ConfidentialClientApplication, CryptoProvider, ProtocolMode, type Configuration } from "@azure/msal-node";
import { AppError } from "../api/errors";
import type { AuthConfig } from "../config";
import { oidcMetadata } from "./oidc";
import { log } from "../log";

/**
 * Sign-in with msal-node: authorization code flow with PKCE, as a confidential client (client
 * secret or certificate). Entra in production, the local provider in the demo and tests: OIDC
 * protocol mode with the authority as a known authority, so msal-node needs no Microsoft-only
 * instance discovery. The metadata comes from lib/auth/oidc.ts (fetched once, shared with jose),
 * and a client is made per sign-in, so msal's in-memory token cache never grows: the console keeps
 * no tokens, only the session cookie.
 */
const SCOPES = ["openid", "profile"];

export const redirectUri = (origin: string) => `${origin}/auth/callback`;

function credential(auth: AuthConfig): Configuration["auth"] {
  if (auth.credential.kind === "secret") return { clientId: auth.clientId, clientSecret: auth.credential.secret };
  const pem = readFileSync(auth.credential.path, "utf8");
  const privateKey = createPrivateKey(pem).export({ format: "pem", type: "pkcs8" }).toString();
  const tp = auth.credential.thumbprint.toLowerCase();
  return {
    clientId: auth.clientId,
    clientCertificate: tp.length === 64 ? { thumbprintSha256: tp, privateKey } : { thumbprint: tp, privateKey },
  };
}

async function client(auth: AuthConfig): Promise<ConfidentialClientApplication> {
  const metadata = await oidcMetadata(auth);
  return new ConfidentialClientApplication({
    auth: {
      ...credential(auth),
      authority: auth.authority,
      knownAuthorities: [new URL(auth.authority).host],
      authorityMetadata: JSON.stringify(metadata),
    },
    system: { protocolMode: ProtocolMode.OIDC },
  });
}

const random = () => randomBytes(32).toString("base64url");

/** The authorize URL, and the secrets of this attempt (kept in the sealed flow cookie). */
export async function startSignIn(auth: AuthConfig, origin: string) {
  const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
  const state = random();
  const nonce = random();
  const url = await (
    await client(auth)
  ).getAuthCodeUrl({
    scopes: SCOPES,
    redirectUri: redirectUri(origin),
    codeChallenge: challenge,
    codeChallengeMethod: "S256",
    state,
    nonce,
    responseMode: "query",
    prompt: "select_account",
  });
  return { url, state, nonce, verifier };
}

/** Redeems the code (with the PKCE verifier) for the raw ID token; jose verifies it next. */
export async function redeemCode(
  auth: AuthConfig,
  origin: string,
  code: string,
  flow: { verifier: string; nonce: string },
): Promise<string> {
  try {
    const result = await (
      await client(auth)
    ).acquireTokenByCode({
      code,
      redirectUri: redirectUri(origin),
      scopes: SCOPES,
      codeVerifier: flow.verifier,
      nonce: flow.nonce,
    });
    if (!result?.idToken) throw new Error("no ID token in the token response");
    return result.idToken;
  } catch (err) {
    if (err instanceof AppError) throw err;
    log.warn("sign-in: code redemption failed", { error: (err as Error)?.message ?? String(err) });
    throw new AppError("unauthorized", "The sign-in could not be completed (the code was refused). Sign in again.");
  }
}
