/**
 * `eval "$(npx tsx scripts/idp/env.ts)"` (scripts/local-env.sh): the environment that points the
 * console at the local OpenID provider, exactly as production points it at Entra ID: tenant,
 * client id and secret, the authority (the provider's issuer), and the provider's certificate as
 * an extra CA for Node. Creates the provider's files on first use; prints `export` lines only.
 */
import { LOCAL_CLIENT_ID, LOCAL_TENANT_ID, issuer } from "./config";
import { ensureIdpFiles, readConsoleClientSecret, TLS_CERT_PATH } from "./files";

await ensureIdpFiles();
const quote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
const vars: Record<string, string> = {
  ENTRA_TENANT_ID: LOCAL_TENANT_ID,
  ENTRA_CLIENT_ID: LOCAL_CLIENT_ID,
  ENTRA_CLIENT_SECRET: readConsoleClientSecret(),
  ENTRA_AUTHORITY: issuer(),
  NODE_EXTRA_CA_CERTS: TLS_CERT_PATH,
};
for (const [k, v] of Object.entries(vars)) console.log(`export ${k}=${quote(v)}`);
