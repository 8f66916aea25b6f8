/**
 * npx tsx scripts/idp/server.ts
 * Runs the local OpenID provider in the foreground until SIGINT/SIGTERM.
 * Env: IDP_PORT (HTTPS, default 54340), IDP_HTTP_PORT (browser pages, default 54341), IDP_DATA_DIR.
 * If a local provider already answers on IDP_PORT, says so and exits 0.
 */
import { isIdpRunning } from "./client";
import { issuer } from "./config";

if (await isIdpRunning()) {
  console.log(`local OpenID provider: already running, issuer ${issuer()}`);
  process.exit(0);
}

// Imported only now: oidc-provider prints a runtime notice when it loads.
const { startIdp } = await import("./provider");
const idp = await startIdp().catch((err: NodeJS.ErrnoException) => {
  const why = err.code === "EADDRINUSE" ? `${err.message} (another program uses the port)` : err;
  console.error(`local OpenID provider: cannot start: ${why}`);
  return process.exit(1);
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.log(`local OpenID provider: stopping (${signal})`);
    void idp.close().then(() => process.exit(0));
  });
}
