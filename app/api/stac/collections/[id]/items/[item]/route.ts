import { NextResponse } from "next/server";
import { AppError } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/respond";
import { collectionPath, pathName, stacHref } from "@/lib/api/stac-links";
import { requireRole } from "@/lib/auth/guard";
import { getItem, requireCollection } from "@/lib/db/stac-catalog";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ id: string; item: string }> };

/** GET /api/stac/collections/{id}/items/{item}: the whole item (pgSTAC's get_item), a GeoJSON Feature. */
export const GET = apiRoute(async (_req, ctx: Ctx) => {
  await requireRole("reader");
  const p = await ctx.params;
  const id = pathName(p.id, "STAC collection");
  const itemId = pathName(p.item, "STAC item");
  await requireCollection(id);
  const item = await getItem(id, itemId);
  if (!item) throw new AppError("not_found", `No item "${itemId}" in STAC collection "${id}".`);
  const self = stacHref(`${collectionPath(id)}/items/${encodeURIComponent(itemId)}`);
  const links = Array.isArray(item.links) ? item.links : [];
  return NextResponse.json(
    {
      ...item,
      links: [
        ...links.filter((l: { rel?: string }) => l.rel !== "self" && l.rel !== "collection"),
        { rel: "self", type: "application/geo+json", href: self },
        { rel: "collection", type: "application/json", href: stacHref(collectionPath(id)) },
      ],
    },
    { headers: { "Content-Type": "application/geo+json" } },
  );
});
