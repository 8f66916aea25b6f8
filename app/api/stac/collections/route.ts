import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/respond";
import { collectionPath, stacHref } from "@/lib/api/stac-links";
import { requireRole } from "@/lib/auth/guard";
import { AppError } from "@/lib/api/errors";
import { listCollections, stacAvailability } from "@/lib/db/stac-catalog";

export const dynamic = "force-dynamic";

/**
 * GET /api/stac/collections: every collection, shaped like the STAC API's /collections
 * (`collections`, `links`), each with its item count as `geoetl:item_count` {value, exact}.
 */
export const GET = apiRoute(async () => {
  await requireRole("reader");
  const stac = await stacAvailability();
  if (!stac.available) throw new AppError("service_unavailable", stac.reason ?? "pgSTAC is not available.");
  const collections = await listCollections();
  return NextResponse.json({
    collections: collections.map((c) => ({
      ...c.content,
      "geoetl:item_count": c.item_count,
      links: [
        { rel: "self", type: "application/json", href: stacHref(collectionPath(c.id)) },
        { rel: "items", type: "application/geo+json", href: stacHref(`${collectionPath(c.id)}/items`) },
      ],
    })),
    links: [{ rel: "self", type: "application/json", href: stacHref("/api/stac/collections") }],
  });
});
