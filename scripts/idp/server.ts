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
let idp;
try {
  idp = await startIdp();
} catch (err) {
  const code = (err as NodeJS.ErrnoException).code;
  console.error(`local OpenID provider: cannot start: ${code === "EADDRINUSE" ? `${(err as Error).message} (another program uses the port)` : err}`);
  process.exit(1);
}
const running = idp;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void running.close().then(() => process.exit(0));
  });
}
