import { AppError } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/respond";

export const dynamic = "force-dynamic";

/**
 * Any other /api/ path: a JSON 404 a script can read, instead of the HTML not-found page (which
 * would also go out without the pages' CSP: the proxy does not run for /api/). Specific routes win.
 */
const notFound = apiRoute(async (req: Request) => {
  // The path is echoed (URL-encoded, so no control characters), cut to a readable length.
  const path = new URL(req.url).pathname.slice(0, 120);
  throw new AppError("not_found", `No API at ${path}. The routes are listed in the README.`);
});
export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
