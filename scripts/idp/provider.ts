/**
 * A real OpenID Connect provider for the local demo and tests, shaped like Microsoft Entra ID
 * (v2 endpoints) so that the console treats it exactly like Entra: only the authority differs.
 * Built on oidc-provider (https://github.com/panva/node-oidc-provider).
 *
 *   https://127.0.0.1:IDP_PORT/<tenant>/v2.0       issuer: discovery, token endpoint, JWKS
 *   http://127.0.0.1:IDP_HTTP_PORT/<tenant>/v2.0   browser pages only: authorize, sign-in, sign-out
 *
 * Discovery (fetched over HTTPS by the console's MSAL and jose) points authorization_endpoint and
 * end_session_endpoint at the plain-HTTP listener, so a person's browser never meets the
 * self-signed certificate; every server-to-server call stays on HTTPS.
 *
 * Entra look-alikes: RS256 ID tokens with oid, tid, roles, name, preferred_username, ver "2.0";
 * JWT access tokens for the console API (aud api://<client id>) with oid, tid, roles, azp, scp;
 * client credentials with `scope=api://<client id>/.default` for the daemon clients.
 * Sessions and grants live in memory; keys, cookie keys and secrets persist (files.ts).
 */
import http from "node:http";
import https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import Provider, {
  errors,
  interactionPolicy,
  type Client,
  type KoaContext,
  type OIDCContext,
  type Token,
} from "oidc-provider";
import { createMemoryAdapter } from "oidc-provider/lib/adapters/memory_adapter.js";
import {
  DAEMON_CLIENTS,
  DEMO_ACCOUNTS,
  IDP_HOST,
  IDP_HTTP_PORT,
  IDP_PORT,
  LOCAL_API_AUDIENCE,
  LOCAL_API_SCOPE,
  LOCAL_CLIENT_ID,
  LOCAL_TENANT_ID,
  TENANT_PATH,
  browserOrigin,
  issuer as issuerFor,
} from "./config";
import { ensureIdpFiles } from "./files";
import { PAGE_CSP, errorPage, loginPage, logoutPage, signedOutPage } from "./pages";

export interface StartIdpOptions {
  /** HTTPS port (issuer); default IDP_PORT (54340). */
  port?: number;
  /** Plain-HTTP port of the browser pages; default IDP_HTTP_PORT (54341). */
  httpPort?: number;
  /** Where the ready line goes; default console.log. */
  log?: (line: string) => void;
}

export interface RunningIdp {
  issuer: string;
  /** http://127.0.0.1:<httpPort>: where browsers are sent. */
  browserOrigin: string;
  close(): Promise<void>;
}

/** Loopback console URLs on any port (http://127.0.0.1:<port><path> or http://localhost:<port><path>). */
function isLoopbackConsoleUri(value: string, pathname: string): boolean {
  const url = URL.parse(value);
  return (
    url !== null &&
    url.protocol === "http:" &&
    (url.hostname === "127.0.0.1" || url.hostname === "localhost") &&
    url.pathname === pathname &&
    !url.username &&
    !url.password &&
    !url.search &&
    !url.hash
  );
}

/** Paths (below TENANT_PATH) that the plain-HTTP listener serves: what a browser visits. */
const BROWSER_PATHS = /^\/(auth(\/[\w-]+)?|interaction\/[\w-]+(\/abort)?|session\/end(\/confirm|\/success)?)(\?|$)/;

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
  res.end(`${text}\n`);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = "";
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 16_384) throw new errors.InvalidRequest("request body too large");
  }
  return new URLSearchParams(body);
}

function sendPage(ctx: KoaContext, html: string, status = 200): void {
  ctx.status = status;
  ctx.type = "html";
  ctx.set("cache-control", "no-store");
  ctx.set("content-security-policy", PAGE_CSP);
  ctx.body = html;
}

/** oidc-provider's login + consent prompts, plus Entra's prompt=select_account (the sign-in page). */
function interactionsPolicy() {
  const policy = interactionPolicy.base();
  policy.add(new interactionPolicy.Prompt({ name: "select_account", requestable: true }), 0);
  return policy;
}

export async function startIdp(opts: StartIdpOptions = {}): Promise<RunningIdp> {
  const port = opts.port ?? IDP_PORT;
  const httpPort = opts.httpPort ?? IDP_HTTP_PORT;
  const log = opts.log ?? console.log;
  const iss = issuerFor(port);
  const { tls, jwks, secrets } = await ensureIdpFiles();

  const accountBySub = (sub: string | undefined) => DEMO_ACCOUNTS.find((a) => a.sub === sub);
  const daemonById = (id: string) => DAEMON_CLIENTS.find((d) => d.clientId === id);

  const provider: Provider = new Provider(iss, {
    // The package's in-memory store, passed explicitly: the implicit default prints a warning on
    // every start. Sessions and grants are lost on restart; JWT access tokens and ID tokens are not.
    adapter: createMemoryAdapter(15),
    jwks,
    cookies: {
      keys: secrets.cookieKeys,
      // Cookies are per host, not per port: distinct names and the tenant path keep them away
      // from a console on the same 127.0.0.1. oidc-provider marks them `secure` only when the
      // request itself is HTTPS (ctx.secure), so they work on the plain-HTTP browser listener.
      names: { session: "idp_session", interaction: "idp_interaction", resume: "idp_resume" },
      long: { httpOnly: true, sameSite: "lax", path: TENANT_PATH },
      short: { httpOnly: true, sameSite: "lax" },
    },
    clients: [
      {
        client_id: LOCAL_CLIENT_ID,
        client_secret: secrets.consoleClientSecret,
        client_name: "GeoETL Admin Console",
        // client_secret_basic is accepted too: see the clientAuthMethod override below.
        token_endpoint_auth_method: "client_secret_post",
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        // Any loopback port is accepted: see the redirectUriAllowed override below.
        redirect_uris: ["http://127.0.0.1:3000/auth/callback", "http://localhost:3000/auth/callback"],
        post_logout_redirect_uris: ["http://127.0.0.1:3000/", "http://localhost:3000/"],
      },
      ...DAEMON_CLIENTS.map((d) => ({
        client_id: d.clientId,
        client_secret: secrets.daemonClientSecrets[d.clientId],
        token_endpoint_auth_method: "client_secret_post",
        grant_types: ["client_credentials"],
        response_types: [],
        redirect_uris: [],
        roles: d.roles,
      })),
    ],
    // `roles`: the application roles of a daemon client (Entra: app role assignments).
    extraClientMetadata: {
      properties: ["roles"],
      validator(_ctx: unknown, key: string, value: unknown) {
        if (
          key === "roles" &&
          value !== undefined &&
          !(Array.isArray(value) && value.every((r) => typeof r === "string"))
        ) {
          throw new Error("roles must be an array of strings");
        }
      },
    },
    // Entra's ID token claims. conformIdTokenClaims: false puts the scope's claims in the ID
    // token even though an access token is issued too (what Entra and MSAL expect).
    conformIdTokenClaims: false,
    claims: {
      openid: ["sub", "oid", "tid", "ver", "roles"],
      profile: ["name", "preferred_username"],
      email: ["email"],
    },
    async findAccount(_ctx: unknown, sub: string) {
      const account = accountBySub(sub);
      if (!account) return undefined;
      return {
        accountId: account.sub,
        async claims() {
          return {
            sub: account.sub,
            oid: account.oid,
            tid: LOCAL_TENANT_ID,
            ver: "2.0",
            roles: [...account.roles],
            name: account.name,
            preferred_username: account.username,
            email: account.username,
          };
        },
      };
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      userinfo: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx: KoaContext, form: string) {
          sendPage(ctx, logoutPage(form));
        },
        async postLogoutSuccessSource(ctx: KoaContext) {
          sendPage(ctx, signedOutPage());
        },
      },
      resourceIndicators: {
        enabled: true,
        // Entra names the API in the scope (api://<id>/access_as_user, api://<id>/.default) rather
        // than with RFC 8707's `resource`; both work here. Without either, the console API is the
        // resource: every access token issued here is for it.
        async defaultResource(ctx: KoaContext, _client: Client, oneOf?: string[]) {
          if (oneOf) return oneOf.includes(LOCAL_API_AUDIENCE) ? LOCAL_API_AUDIENCE : oneOf;
          const scopes = String(ctx.oidc.params?.scope ?? "").split(" ");
          const named = scopes.find((s) => s.includes("://") && s.lastIndexOf("/") > s.indexOf("://") + 2);
          return named ? named.slice(0, named.lastIndexOf("/")) : LOCAL_API_AUDIENCE;
        },
        async useGrantedResource() {
          return true;
        },
        async getResourceServerInfo(_ctx: unknown, resource: string, client?: Client) {
          if (resource !== LOCAL_API_AUDIENCE) {
            throw new errors.InvalidTarget(`unknown resource ${resource}: the only API here is ${LOCAL_API_AUDIENCE}`);
          }
          return {
            // Delegated scope for the console app only; daemons get app roles, no scope (as in Entra).
            scope: client?.clientId === LOCAL_CLIENT_ID ? LOCAL_API_SCOPE : "",
            audience: LOCAL_API_AUDIENCE,
            accessTokenFormat: "jwt",
            accessTokenTTL: 3600,
            jwt: { sign: { alg: "RS256" } },
          };
        },
      },
    },
    async extraTokenClaims(_ctx: unknown, token: Token) {
      const common = { tid: LOCAL_TENANT_ID, ver: "2.0", azp: token.clientId };
      if (token.kind === "ClientCredentials") {
        const client = await provider.Client.find(token.clientId);
        return {
          ...common,
          oid: daemonById(token.clientId)?.oid,
          roles: (client?.roles as string[] | undefined) ?? [],
          idtyp: "app",
        };
      }
      const account = accountBySub(token.accountId);
      if (!account) return common;
      // Entra's `scp` lists the delegated scopes without the API prefix: "access_as_user".
      const scp = (token.scope ?? "")
        .split(" ")
        .filter((s) => s.startsWith(`${LOCAL_API_AUDIENCE}/`))
        .map((s) => s.slice(LOCAL_API_AUDIENCE.length + 1))
        .join(" ");
      return {
        ...common,
        oid: account.oid,
        roles: [...account.roles],
        name: account.name,
        preferred_username: account.username,
        ...(scp ? { scp } : {}),
      };
    },
    formats: {
      customizers: {
        // An app-only token's sub is the daemon's object id in Entra (oidc-provider puts the client_id).
        async jwt(_ctx: unknown, token: Token, jwt: { payload: Record<string, unknown> }) {
          const daemon = token.kind === "ClientCredentials" ? daemonById(token.clientId) : undefined;
          if (daemon) jwt.payload.sub = daemon.oid;
        },
      },
    },
    responseTypes: ["code"],
    pkce: { required: () => true },
    // Consent is implied for our own clients (as with an admin-consented Entra app): the grant
    // always covers what is asked, so no consent prompt is ever shown.
    async loadExistingGrant(ctx: KoaContext) {
      const { client, session, result } = ctx.oidc;
      const accountId = session?.accountId;
      if (!client || !accountId) return undefined;
      const grantId = result?.consent?.grantId ?? session?.grantIdFor(client.clientId);
      const existing = grantId ? await provider.Grant.find(grantId) : undefined;
      const grant =
        existing?.accountId === accountId ? existing : new provider.Grant({ accountId, clientId: client.clientId });
      grant.addOIDCScope([...ctx.oidc.requestParamOIDCScopes].join(" "));
      for (const [resource, server] of Object.entries(ctx.oidc.resourceServers)) {
        grant.addResourceScope(
          resource,
          [...ctx.oidc.requestParamScopes].filter((s) => server.scopes.has(s)).join(" "),
        );
      }
      await grant.save();
      return grant;
    },
    // Entra gives a confidential client a refresh token whenever it asks for offline_access (MSAL
    // always does); oidc-provider drops offline_access without prompt=consent, so issue regardless.
    async issueRefreshToken(_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) {
      return client.grantTypeAllowed("refresh_token");
    },
    interactions: {
      policy: interactionsPolicy(),
      url: async (_ctx: unknown, interaction: { uid: string }) => `${TENANT_PATH}/interaction/${interaction.uid}`,
    },
    async renderError(ctx: KoaContext, out: Record<string, unknown>) {
      sendPage(ctx, errorPage(out), ctx.status >= 400 ? ctx.status : 400);
    },
    ttl: {
      AccessToken: 3600,
      ClientCredentials: 3600,
      IdToken: 3600,
      AuthorizationCode: 120,
      Interaction: 3600,
      Session: 14 * 24 * 3600,
      Grant: 14 * 24 * 3600,
      RefreshToken: 24 * 3600,
    },
  });

  // Entra accepts a client secret either in the body or in HTTP Basic; oidc-provider allows only
  // the one registered method per client. For secret-based clients, report the method this very
  // request uses (the request is available through Provider.ctx while oidc-provider handles it).
  const registeredAuthMethod = Object.getOwnPropertyDescriptor(provider.Client.prototype, "clientAuthMethod")?.get;
  if (!registeredAuthMethod) throw new Error("oidc-provider: Client.prototype.clientAuthMethod not found");
  Object.defineProperty(provider.Client.prototype, "clientAuthMethod", {
    configurable: true,
    get(this: Client) {
      const registered = registeredAuthMethod.call(this) as string;
      if (registered !== "client_secret_post" && registered !== "client_secret_basic") return registered;
      return /^basic /i.test(Provider.ctx?.get("authorization") ?? "") ? "client_secret_basic" : "client_secret_post";
    },
  });

  // MSAL repeats offline_access in every refresh request, but oidc-provider leaves it out of the
  // refresh token (it keeps it only with prompt=consent) and would answer invalid_scope: ignore it there.
  const requestParamScopes = Object.getOwnPropertyDescriptor(provider.OIDCContext.prototype, "requestParamScopes")?.get;
  if (!requestParamScopes) throw new Error("oidc-provider: OIDCContext.prototype.requestParamScopes not found");
  Object.defineProperty(provider.OIDCContext.prototype, "requestParamScopes", {
    configurable: true,
    get(this: OIDCContext) {
      const scopes = requestParamScopes.call(this) as Set<string>;
      if (this.route === "token" && this.params?.grant_type === "refresh_token") scopes.delete("offline_access");
      return scopes;
    },
  });

  // oidc-provider matches redirect URIs exactly (loopback ports only for native apps). The console
  // runs on whatever local port the demo or a test picked, so for the console client any loopback
  // http://127.0.0.1|localhost:<port>/auth/callback (and post-logout <same>/) is registered. Loopback only.
  const { redirectUriAllowed, postLogoutRedirectUriAllowed } = provider.Client.prototype;
  provider.Client.prototype.redirectUriAllowed = function (this: Client, uri: string) {
    return (
      redirectUriAllowed.call(this, uri) ||
      (this.clientId === LOCAL_CLIENT_ID && isLoopbackConsoleUri(uri, "/auth/callback"))
    );
  };
  provider.Client.prototype.postLogoutRedirectUriAllowed = function (this: Client, uri: string) {
    return (
      postLogoutRedirectUriAllowed.call(this, uri) ||
      (this.clientId === LOCAL_CLIENT_ID && isLoopbackConsoleUri(uri, "/"))
    );
  };

  // Discovery is read over HTTPS; send browsers to the plain-HTTP listener instead.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path.startsWith("/.well-known/") && ctx.body && typeof ctx.body === "object") {
      const metadata = ctx.body as Record<string, unknown>;
      for (const key of ["authorization_endpoint", "end_session_endpoint"]) {
        const value = metadata[key];
        if (typeof value !== "string") continue;
        const url = new URL(value);
        metadata[key] = `${browserOrigin(httpPort)}${url.pathname}${url.search}`;
      }
    }
  });

  // Entra adds client_info (base64url {"uid": oid, "utid": tid}) to token responses with an ID
  // token; MSAL keys its accounts on it (homeAccountId "<oid>.<tid>") and warns without it.
  provider.use(async (ctx, next) => {
    await next();
    const body =
      ctx.path === "/token" && ctx.status === 200 ? (ctx.body as Record<string, unknown> | undefined) : undefined;
    if (typeof body?.id_token !== "string") return;
    const claims = JSON.parse(Buffer.from(body.id_token.split(".")[1], "base64url").toString("utf8")) as {
      oid?: string;
    };
    body.client_info = Buffer.from(JSON.stringify({ uid: claims.oid, utid: LOCAL_TENANT_ID })).toString("base64url");
  });

  // The sign-in page (our own; oidc-provider's devInteractions are off).
  provider.use(async (ctx, next) => {
    const match = /^\/interaction\/([\w-]+)(\/abort)?$/.exec(ctx.path);
    if (!match) return next();
    let details;
    try {
      details = await provider.interactionDetails(ctx.req, ctx.res);
      if (details.uid !== match[1]) throw new Error("interaction mismatch");
    } catch {
      return sendPage(
        ctx,
        errorPage({
          error: "sign-in expired",
          error_description: "This sign-in page is no longer valid. Go back to the console and sign in again.",
        }),
        400,
      );
    }
    const finish = async (result: Parameters<typeof provider.interactionResult>[2]) => {
      const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
      ctx.status = 303;
      ctx.redirect(returnTo);
    };
    if (match[2]) return finish({ error: "access_denied", error_description: "The user cancelled the sign-in." });
    const selecting = details.prompt.name === "select_account";
    if (details.prompt.name !== "login" && !selecting) {
      // Not reached with loadExistingGrant above (consent is implied); finish rather than hang.
      return finish({ consent: {} });
    }
    const clientName = (await provider.Client.find(String(details.params.client_id)))?.clientName;
    const page = {
      action: `${TENANT_PATH}/interaction/${details.uid}`,
      cancelUrl: `${TENANT_PATH}/interaction/${details.uid}/abort`,
      clientName: String(clientName ?? details.params.client_id),
    };
    if (ctx.method === "GET") {
      const hint = typeof details.params.login_hint === "string" ? details.params.login_hint : undefined;
      return sendPage(ctx, loginPage({ ...page, username: hint }));
    }
    if (ctx.method !== "POST") return sendPage(ctx, errorPage({ error: "method not allowed" }), 405);
    const form = await readForm(ctx.req);
    const username = (form.get("username") ?? "").trim().toLowerCase();
    const account = DEMO_ACCOUNTS.find((a) => a.username === username);
    if (!account) {
      const message = username
        ? `There is no account ${username} here. Use one of the demo accounts below.`
        : "Enter a username.";
      return sendPage(ctx, loginPage({ ...page, username, error: { field: "username", message } }), 401);
    }
    if (form.get("password") !== account.password) {
      return sendPage(
        ctx,
        loginPage({ ...page, username, error: { field: "password", message: "Wrong password." } }),
        401,
      );
    }
    return finish({ login: { accountId: account.sub }, ...(selecting ? { select_account: {} } : {}) });
  });

  provider.on("server_error", (_ctx, err) => console.error("local OpenID provider: server error:", err));

  // Mount the provider under TENANT_PATH by hand (what koa-mount would do): oidc-provider builds
  // its URLs from req.originalUrl minus req.url, and the issuer's path must prefix every endpoint.
  const app = provider.callback();
  const handler = (browserOnly: boolean) => (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? "/";
    const inner =
      url.startsWith(`${TENANT_PATH}/`) || url.startsWith(`${TENANT_PATH}?`)
        ? url.slice(TENANT_PATH.length)
        : url === TENANT_PATH
          ? "/"
          : undefined;
    if (inner === undefined)
      return sendText(res, 404, `Not found. This is the local OpenID provider; its issuer is ${iss}`);
    if (browserOnly && !BROWSER_PATHS.test(inner)) {
      return sendText(
        res,
        404,
        `Not found. This plain-HTTP listener serves only the browser pages; use ${iss}${inner}`,
      );
    }
    Object.assign(req, { originalUrl: url, baseUrl: TENANT_PATH });
    req.url = inner;
    void app(req, res);
  };

  const httpsServer = https.createServer({ cert: tls.cert, key: tls.key }, handler(false));
  const httpServer = http.createServer(handler(true));
  const listen = (server: http.Server, p: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(p, IDP_HOST, () => {
        server.off("error", reject);
        resolve();
      });
    });
  const closeServer = (server: http.Server) =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  try {
    await listen(httpsServer, port);
    await listen(httpServer, httpPort);
  } catch (err) {
    await Promise.all([closeServer(httpsServer), closeServer(httpServer)]);
    throw err;
  }

  log(`local OpenID provider: issuer ${iss} (browser pages on ${browserOrigin(httpPort)})`);
  return {
    issuer: iss,
    browserOrigin: browserOrigin(httpPort),
    close: async () => {
      await Promise.all([closeServer(httpsServer), closeServer(httpServer)]);
    },
  };
}
