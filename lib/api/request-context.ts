import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { headers } from "next/headers";
import { REQUEST_ID_HEADER } from "../security/headers";

/** Where a request came from, for the audit log: its request id and the client address. */
export interface RequestContext {
  requestId: string | null;
  clientAddress: string | null;
}

/**
 * The request id is ours, never the client's (it ends up in the audit log): route handlers get a
 * fresh one from apiRoute (lib/api/respond.ts) through this store; pages and server actions from
 * proxy.ts, which overwrites the request header (the proxy does not run for /api/).
 */
const apiRequest = new AsyncLocalStorage<{ requestId: string }>();
export const runWithRequestId = <T>(requestId: string, fn: () => T): T => apiRequest.run({ requestId }, fn);

export async function requestContext(): Promise<RequestContext> {
  const h = await headers();
  // Next's server sets x-forwarded-for to the socket's address; behind Azure's front end the
  // first entry is the client as the platform saw it.
  const forwarded = h.get("x-forwarded-for")?.split(",")[0]?.trim() || null;
  const requestId = apiRequest.getStore()?.requestId ?? h.get(REQUEST_ID_HEADER);
  return { requestId, clientAddress: forwarded };
}
