import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/respond";
import { oidcMetadata } from "@/lib/auth/oidc";
import { getSession } from "@/lib/auth/session";
import { getConfig } from "@/lib/config";

export const dynamic = "force-dynamic";

/**
 * POST /auth/sign-out: clears the session (any caller may end their own session; a cross-site
 * form cannot: apiRoute refuses it), then sends the browser to the authority's end-session
 * endpoint, which comes back to the console's front page.
 */
export const POST = apiRoute(async () => {
  const cfg = getConfig();
  const session = await getSession();
  session.destroy();
  let target = `${cfg.origin}/signin?problem=signed_out`;
  if (cfg.auth) {
    try {
      const end = (await oidcMetadata(cfg.auth)).end_session_endpoint;
      if (end) {
        const u = new URL(end);
        u.searchParams.set("client_id", cfg.auth.clientId);
        u.searchParams.set("post_logout_redirect_uri", `${cfg.origin}/`);
        target = u.toString();
      }
    } catch {
      // The authority is unreachable: the console session is gone all the same.
    }
  }
  return NextResponse.redirect(target, 303);
});
