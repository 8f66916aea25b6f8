import { NextResponse, type NextRequest } from "next/server";

/**
 * Not a guard (every page, route handler and action checks the caller itself). It only tells
 * pages which URL was asked for, so the sign-in page can send people back there afterwards.
 */
export const PATH_HEADER = "x-console-path";

export function proxy(req: NextRequest) {
  const headers = new Headers(req.headers);
  headers.set(PATH_HEADER, `${req.nextUrl.pathname}${req.nextUrl.search}`);
  return NextResponse.next({ request: { headers } });
}

// Pages only: the API answers 401 JSON, and static files need nothing.
export const config = { matcher: ["/((?!api/|_next/|signin|favicon.ico).*)"] };
