import { NextResponse } from "next/server";
import { z } from "zod";
import { apiRoute, parseSearchParams } from "@/lib/api/respond";
import { collectionPath, pathName, stacHref } from "@/lib/api/stac-links";
import { requireRole } from "@/lib/auth/guard";
import { stacItemFields } from "@/lib/db/catalog-params";
import { hydrateItems, listItems, requireCollection } from "@/lib/db/stac-catalog";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ id: string }> };

const Query = z.object(stacItemFields).refine((v) => !(v.since && v.until) || v.since < v.until, {
  message: "since must be before until",
  path: ["since"],
});

/**
 * GET /api/stac/collections/{id}/items?cursor=&limit=&id_prefix=&since=&until=: a page of whole
 * items (pgSTAC's get_item), newest first, shaped like the STAC API's item search: a
 * FeatureCollection with `links` (`next` and `prev` carry the cursor) and `numberReturned`.
 */
export const GET = apiRoute(async (req, ctx: Ctx) => {
  await requireRole("reader");
  const id = pathName((await ctx.params).id, "STAC collection");
  const q = parseSearchParams(req, Query);
  await requireCollection(id);
  const page = await listItems({
    collection: id,
    idPrefix: q.id_prefix,
    since: q.since,
    until: q.until,
    cursor: q.cursor,
    limit: Math.min(q.limit, 500),
  });
  const features = await hydrateItems(
    id,
    page.rows.map((r) => r.id),
  );
  const self = new URL(req.url).searchParams;
  const at = (cursor: string) => stacHref(`${collectionPath(id)}/items`, { ...Object.fromEntries(self), cursor });
  return NextResponse.json({
    type: "FeatureCollection",
    features,
    numberReturned: features.length,
    links: [
      {
        rel: "self",
        type: "application/geo+json",
        href: stacHref(`${collectionPath(id)}/items`, Object.fromEntries(self)),
      },
      { rel: "collection", type: "application/json", href: stacHref(collectionPath(id)) },
      ...(page.next_cursor ? [{ rel: "next", type: "application/geo+json", href: at(page.next_cursor) }] : []),
      ...(page.prev_cursor ? [{ rel: "prev", type: "application/geo+json", href: at(page.prev_cursor) }] : []),
    ],
  });
});
