/**
 * Minimal types for the parts of oidc-provider@9 (ships no types) that scripts/idp uses.
 * Not a complete description of the package.
 */
declare module "oidc-provider" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  export interface ResourceServer {
    scope?: string;
    readonly scopes: Set<string>;
    audience?: string;
  }

  export interface Client {
    clientId: string;
    [metadata: string]: unknown;
  }

  export interface ClientClass {
    prototype: Client & {
      redirectUriAllowed(uri: string): boolean;
      postLogoutRedirectUriAllowed(uri: string): boolean;
    };
    find(id: string): Promise<Client | undefined>;
  }

  export interface Grant {
    jti: string;
    accountId: string;
    clientId: string;
    addOIDCScope(scope: string): void;
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
  }

  export interface GrantClass {
    new (init: { accountId: string; clientId: string }): Grant;
    find(id: string): Promise<Grant | undefined>;
  }

  export interface OIDCContext {
    route: string;
    params?: Record<string, unknown>;
    client?: Client;
    session?: { accountId?: string; grantIdFor(clientId: string): string | undefined };
    result?: { consent?: { grantId?: string } };
    requestParamOIDCScopes: Set<string>;
    requestParamScopes: Set<string>;
    resourceServers: Record<string, ResourceServer>;
  }

  /** The Koa context, as far as used here. */
  export interface KoaContext {
    method: string;
    path: string;
    url: string;
    status: number;
    body: unknown;
    type: string;
    secure: boolean;
    host: string;
    req: IncomingMessage;
    res: ServerResponse;
    oidc: OIDCContext;
    get(field: string): string;
    set(field: string, value: string): void;
    redirect(url: string): void;
  }

  export type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void> | void;

  export interface Token {
    kind: string;
    clientId: string;
    accountId?: string;
    scope?: string;
    resourceServer?: ResourceServer;
  }

  export interface InteractionDetails {
    uid: string;
    prompt: { name: string; details: Record<string, unknown> };
    params: Record<string, unknown>;
    session?: { accountId?: string };
  }

  export interface InteractionResults {
    login?: { accountId: string; remember?: boolean };
    select_account?: Record<string, never>;
    consent?: { grantId?: string };
    error?: string;
    error_description?: string;
  }

  export class Provider {
    constructor(issuer: string, configuration?: object);
    readonly issuer: string;
    readonly Client: ClientClass;
    readonly Grant: GrantClass;
    readonly OIDCContext: { prototype: OIDCContext };
    static readonly ctx: KoaContext | undefined;
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    use(middleware: Middleware): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionResult(
      req: IncomingMessage,
      res: ServerResponse,
      result: InteractionResults,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<string>;
  }

  export interface InteractionPolicy extends Array<unknown> {
    add(prompt: unknown, index?: number): void;
  }
  export const interactionPolicy: {
    base(): InteractionPolicy;
    Prompt: new (init: { name: string; requestable: boolean }) => unknown;
  };

  type ErrorClass = new (description?: string, detail?: string) => Error & { error: string; status: number };
  export const errors: { InvalidTarget: ErrorClass; InvalidRequest: ErrorClass; InvalidScope: ErrorClass };
  export default Provider;
}

declare module "oidc-provider/lib/adapters/memory_adapter.js" {
  /** The package's in-memory adapter class (what it uses by default, with a warning). */
  export function createMemoryAdapter(clockTolerance?: number): new (model: string) => unknown;
}
