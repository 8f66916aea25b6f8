import { NextResponse } from "next/server";
import { requireUser } from "@/lib/auth/guard";
import { apiRoute } from "@/lib/api/respond";

export const dynamic = "force-dynamic";

/** Who the API thinks you are: handy to check a token from a script. */
export const GET = apiRoute(async () => {
  const user = await requireUser();
  return NextResponse.json({ id: user.id, name: user.name, role: user.role, via: user.via });
});
