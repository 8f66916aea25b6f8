import "server-only";
import { headers } from "next/headers";
import { REQUEST_ID_HEADER } from "../security/headers";

/** Where a request came from, for the audit log: proxy.ts's request id and the client address. */
export interface RequestContext {
  requestId: string | null;
  clientAddress: string | null;
}

export async function requestContext(): Promise<RequestContext> {
  const h = await headers();
  // Next's server sets x-forwarded-for to the socket's address; behind Azure's front end the
  // first entry is the client as the platform saw it.
  const forwarded = h.get("x-forwarded-for")?.split(",")[0]?.trim() || null;
  return { requestId: h.get(REQUEST_ID_HEADER), clientAddress: forwarded };
}
