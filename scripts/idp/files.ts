/**
 * The local provider's persistent material, under IDP_DATA_DIR (default <repo>/.data/idp/):
 * made once (directory 700, files 600) and reused, so that issued tokens and browser sessions'
 * cookies stay valid across restarts.
 *   tls-cert.pem / tls-key.pem  self-signed certificate of the HTTPS listener; the certificate is
 *                               also its own trust anchor (NODE_EXTRA_CA_CERTS=TLS_CERT_PATH)
 *   jwks.json                   private RS256 signing key set (tokens' signatures)
 *   secrets.json                client secrets and cookie-signing keys
 */
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from "jose";
import { generate as generateCertificate } from "selfsigned";
import { DAEMON_CLIENTS, IDP_DATA_DIR } from "./config";

export const TLS_CERT_PATH = path.join(IDP_DATA_DIR, "tls-cert.pem");
export const TLS_KEY_PATH = path.join(IDP_DATA_DIR, "tls-key.pem");
export const JWKS_PATH = path.join(IDP_DATA_DIR, "jwks.json");
export const SECRETS_PATH = path.join(IDP_DATA_DIR, "secrets.json");

export interface IdpSecrets {
  /** client_secret of the console web app (LOCAL_CLIENT_ID) */
  consoleClientSecret: string;
  /** client_secret per daemon client id (geoetl-cli-admin, geoetl-cli-reader) */
  daemonClientSecrets: Record<string, string>;
  /** Keys signing the provider's cookies (first one signs, all verify). */
  cookieKeys: string[];
}

export interface IdpFiles {
  tls: { cert: string; key: string };
  jwks: { keys: JWK[] };
  secrets: IdpSecrets;
}

const secret = () => randomBytes(32).toString("base64url");

/** Writes a file whole (temp file + rename), so a concurrent reader never sees half of it. */
function writePrivate(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/** Serialises first-run creation between processes (e.g. the demo's provider and `npm run token`). */
async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const lock = path.join(IDP_DATA_DIR, ".lock");
  for (let tries = 0; ; tries++) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      // A lock left by a killed process: generation takes a second or two at most.
      if (Date.now() - statSync(lock).mtimeMs > 30_000) rmdirSync(lock);
      else if (tries > 600) throw new Error(`idp: ${lock} is held by another process`);
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    return await fn();
  } finally {
    rmdirSync(lock);
  }
}

async function makeTls(): Promise<void> {
  const now = new Date();
  const pems = await generateCertificate([{ name: "commonName", value: "GeoETL local OpenID provider" }], {
    keySize: 2048,
    algorithm: "sha256",
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + 10 * 365 * 24 * 3600_000),
    extensions: [
      // Self-signed and marked as a CA (keyCertSign): the server's own certificate is then a
      // proper trust anchor for NODE_EXTRA_CA_CERTS, `curl --cacert` and the like.
      { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 7, ip: "127.0.0.1" },
          { type: 2, value: "localhost" },
        ],
      },
    ],
  });
  // Key first: the certificate's presence is what marks the pair as complete.
  writePrivate(TLS_KEY_PATH, pems.private);
  writePrivate(TLS_CERT_PATH, pems.cert);
}

async function makeJwks(): Promise<void> {
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  writePrivate(JWKS_PATH, `${JSON.stringify({ keys: [{ ...jwk, kid, alg: "RS256", use: "sig" }] }, null, 2)}\n`);
}

function makeSecrets(): void {
  const secrets: IdpSecrets = {
    consoleClientSecret: secret(),
    daemonClientSecrets: Object.fromEntries(DAEMON_CLIENTS.map((c) => [c.clientId, secret()])),
    cookieKeys: [secret(), secret()],
  };
  writePrivate(SECRETS_PATH, `${JSON.stringify(secrets, null, 2)}\n`);
}

/** Creates whatever is missing (first run) and returns all of it. */
export async function ensureIdpFiles(): Promise<IdpFiles> {
  mkdirSync(IDP_DATA_DIR, { recursive: true, mode: 0o700 });
  chmodSync(IDP_DATA_DIR, 0o700);
  await withLock(async () => {
    if (!existsSync(TLS_CERT_PATH) || !existsSync(TLS_KEY_PATH)) await makeTls();
    if (!existsSync(JWKS_PATH)) await makeJwks();
    if (!existsSync(SECRETS_PATH)) makeSecrets();
  });
  return {
    tls: { cert: readFileSync(TLS_CERT_PATH, "utf8"), key: readFileSync(TLS_KEY_PATH, "utf8") },
    jwks: JSON.parse(readFileSync(JWKS_PATH, "utf8")) as { keys: JWK[] },
    secrets: readSecrets(),
  };
}

/** The secrets made by ensureIdpFiles() (throws if the provider has never been started here). */
export function readSecrets(): IdpSecrets {
  try {
    return JSON.parse(readFileSync(SECRETS_PATH, "utf8")) as IdpSecrets;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      throw new Error(
        `${SECRETS_PATH} does not exist yet: start the local provider once (npx tsx scripts/idp/server.ts)`,
      );
    }
    throw err;
  }
}

/** client_secret of the console web app, for the console's MSAL configuration. */
export function readConsoleClientSecret(): string {
  return readSecrets().consoleClientSecret;
}
