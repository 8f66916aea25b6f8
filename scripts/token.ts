/**
 * npm run token -- admin|reader
 * Prints, as its last stdout line, an access token for the console API from the local OpenID
 * provider (scripts/idp): a real client-credentials grant for the daemon client geoetl-cli-admin
 * or geoetl-cli-reader (app role GeoAdmin.Admin or GeoAdmin.Reader), as an Entra daemon would get.
 * If no provider runs on IDP_PORT, one is started in-process for the request and stopped again.
 */
import { clientCredentialsToken, isIdpRunning } from "./idp/client";
import { issuer } from "./idp/config";

const role = process.argv[2];
if (process.argv.length !== 3 || (role !== "admin" && role !== "reader")) {
  console.error("usage: npm run token -- admin|reader");
  process.exit(2);
}
const clientId = `geoetl-cli-${role}`;

async function getToken(): Promise<string> {
  // A few tries: another `npm run token` may be starting (or stopping) its own provider right now.
  for (let attempt = 1; ; attempt++) {
    let started: { close(): Promise<void> } | undefined;
    try {
      if (!(await isIdpRunning())) {
        console.error(`token: no local OpenID provider at ${issuer()}; starting one in-process for this request.`);
        const { startIdp } = await import("./idp/provider");
        started = await startIdp({ log: (line) => console.error(line) });
      }
      return await clientCredentialsToken(clientId);
    } catch (err) {
      if (attempt >= 3) throw err;
      await new Promise((resolve) => setTimeout(resolve, 300 * attempt));
    } finally {
      await started?.close();
    }
  }
}

try {
  const token = await getToken();
  console.error(`Access token for ${clientId} (${role}), valid 1 h. Use: curl -H "Authorization: Bearer $TOKEN" ...`);
  console.log(token);
} catch (err) {
  console.error(`token: ${(err as Error).message}`);
  process.exitCode = 1;
}
