/**
 * Shared constants of the local OpenID Connect provider (scripts/idp/provider.ts), an
 * Entra-ID-shaped stand-in for the demo and the tests. Importing this file has no side effects.
 *
 * Everything here is for this machine only: the demo passwords are printed on the sign-in page.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The local "directory" (tenant) id: it appears in the issuer and as the `tid` claim. */
export const LOCAL_TENANT_ID = "7c1f0b0e-5a8e-4c1d-9e8a-0d1e5a7c0001";
/** The console web app's client id (the app registration the console signs users in with). */
export const LOCAL_CLIENT_ID = "3b9e6f2a-1c4d-4e8f-9a7b-5d2c8e1f0c01";
/** Audience of the console API's access tokens, as Entra's "Application ID URI". */
export const LOCAL_API_AUDIENCE = `api://${LOCAL_CLIENT_ID}`;
/** The delegated scope of the console API (Entra form: `<app id uri>/<scope>`; `scp` claim = "access_as_user"). */
export const LOCAL_API_SCOPE = `${LOCAL_API_AUDIENCE}/access_as_user`;

export const ROLE_ADMIN = "GeoAdmin.Admin";
export const ROLE_READER = "GeoAdmin.Reader";

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw ? Number(raw) : fallback;
  if (!Number.isInteger(value) || value <= 0 || value > 65535)
    throw new Error(`${name} must be a TCP port, got ${raw}`);
  return value;
}

export const IDP_HOST = "127.0.0.1";
/** HTTPS listener: the issuer, discovery, token endpoint, JWKS (what servers and scripts call). */
export const IDP_PORT = port("IDP_PORT", 54340);
/** Plain-HTTP listener: the browser-facing pages (authorize, sign-in, sign-out), no certificate warning. */
export const IDP_HTTP_PORT = port("IDP_HTTP_PORT", 54341);

/** Path under which the provider is mounted, so that the issuer has Entra's v2 form. */
export const TENANT_PATH = `/${LOCAL_TENANT_ID}/v2.0`;

/** Entra v2 issuer form: https://<authority host>/<tenant id>/v2.0 */
export function issuer(httpsPort: number = IDP_PORT): string {
  return `https://${IDP_HOST}:${httpsPort}${TENANT_PATH}`;
}

/** Origin of the browser-facing pages (http://127.0.0.1:<IDP_HTTP_PORT>). */
export function browserOrigin(httpPort: number = IDP_HTTP_PORT): string {
  return `http://${IDP_HOST}:${httpPort}`;
}

/** Repository root: two levels up from this file. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** Where the certificate, signing keys and secrets live (created by files.ts, mode 600). */
export const IDP_DATA_DIR = process.env.IDP_DATA_DIR
  ? path.resolve(process.env.IDP_DATA_DIR)
  : path.join(REPO_ROOT, ".data", "idp");

export interface DemoAccount {
  /** preferred_username, typed on the sign-in page */
  username: string;
  name: string;
  /** Local demo only: shown on the sign-in page. */
  password: string;
  /** App roles assigned to the user for the console app (`roles` claim). */
  roles: string[];
  /** Stable object id (`oid` claim): what the console should key users on. */
  oid: string;
  /** Subject (`sub` claim). Entra's is pairwise per app, opaque, and differs from oid: so is this one. */
  sub: string;
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  {
    username: "ada@geoetl.local",
    name: "Ada Admin",
    password: "admin-demo",
    roles: [ROLE_ADMIN],
    oid: "d64ea70b-953a-4cf4-8c28-d3b8b39e28f8",
    sub: "oYgs6AYBjsV814LfCW6iJx7WpBobP-Q18kywRjq9km8",
  },
  {
    username: "rita@geoetl.local",
    name: "Rita Reader",
    password: "reader-demo",
    roles: [ROLE_READER],
    oid: "ca60b7af-7bc1-402b-84fa-f56378e44568",
    sub: "0OtQeEdnkbOvahA2DbowjKRUVL-7OaGCbDIayVQsi84",
  },
  {
    username: "nora@geoetl.local",
    name: "Nora Norole",
    password: "norole-demo",
    roles: [],
    oid: "9a8910c5-5043-4c76-8cd7-25bc94ab68eb",
    sub: "LEF92-WcHFOQK8ycEFaaBTO7FGIIQC4Gt2pog_HglWU",
  },
];

export interface DaemonClient {
  clientId: string;
  /** Application roles granted to the daemon (`roles` claim of its client-credentials tokens). */
  roles: string[];
  /** Stable object id of the daemon's "service principal": `oid` and `sub` of its tokens. */
  oid: string;
}

/** Client-credentials-only clients for scripts (npm run token -- admin|reader). */
export const DAEMON_CLIENTS: readonly DaemonClient[] = [
  { clientId: "geoetl-cli-admin", roles: [ROLE_ADMIN], oid: "cce8b175-f819-4d01-961e-09bdf0822901" },
  { clientId: "geoetl-cli-reader", roles: [ROLE_READER], oid: "ca9efb65-803e-4fa9-9663-0f7c3e46f1fe" },
];
