/**
 * Calls to the local provider from scripts (not from the console, which uses MSAL): HTTPS that
 * trusts the provider's own certificate explicitly, whatever NODE_EXTRA_CA_CERTS says.
 */
import { readFileSync } from "node:fs";
import https from "node:https";
import { DAEMON_CLIENTS, LOCAL_API_AUDIENCE, issuer as issuerFor } from "./config";
import { TLS_CERT_PATH, readSecrets } from "./files";

interface JsonResponse {
  status: number;
  json: Record<string, unknown>;
}

function requestJson(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<JsonResponse> {
  const ca = readFileSync(TLS_CERT_PATH, "utf8");
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { method: init.method ?? "GET", headers: init.headers, ca, timeout: 10_000 },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => {
          try {
            resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown> });
          } catch {
            reject(new Error(`${url}: HTTP ${res.statusCode}, not JSON: ${text.slice(0, 200)}`));
          }
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${url}: timed out`)));
    req.on("error", reject);
    req.end(init.body);
  });
}

/** The provider's discovery document (over HTTPS, from the issuer). */
export async function discover(iss: string = issuerFor()): Promise<Record<string, unknown>> {
  const { status, json } = await requestJson(`${iss}/.well-known/openid-configuration`);
  if (status !== 200 || json.issuer !== iss) throw new Error(`${iss}: not the local OpenID provider (HTTP ${status})`);
  return json;
}

/** Whether the local provider answers at `iss` (HTTPS port in use by it). */
export async function isIdpRunning(iss: string = issuerFor()): Promise<boolean> {
  try {
    await discover(iss);
    return true;
  } catch {
    return false;
  }
}

/**
 * A client-credentials access token for a daemon client (geoetl-cli-admin | geoetl-cli-reader),
 * requested the Entra way: scope=api://<console client id>/.default.
 */
export async function clientCredentialsToken(clientId: string, iss: string = issuerFor()): Promise<string> {
  if (!DAEMON_CLIENTS.some((d) => d.clientId === clientId)) throw new Error(`unknown daemon client ${clientId}`);
  const tokenEndpoint = (await discover(iss)).token_endpoint;
  if (typeof tokenEndpoint !== "string") throw new Error(`${iss}: no token_endpoint in discovery`);
  const { status, json } = await requestJson(tokenEndpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: clientId,
      client_secret: readSecrets().daemonClientSecrets[clientId],
      scope: `${LOCAL_API_AUDIENCE}/.default`,
    }).toString(),
  });
  if (status !== 200 || typeof json.access_token !== "string") {
    throw new Error(
      `token request for ${clientId} failed: HTTP ${status} ${json.error ?? ""} ${json.error_description ?? ""}`.trim(),
    );
  }
  return json.access_token;
}
