import Link from "next/link";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePageRole } from "@/lib/auth/page";
import { listCollections, stacAvailability } from "@/lib/db/stac-catalog";
import { formatCount } from "@/lib/format";
import type { Metadata } from "next";

export const metadata: Metadata = { title: "STAC collections" };

export const dynamic = "force-dynamic";

const bboxText = (b: number[] | null) => (b ? b.map((n) => Number(n.toFixed(3))).join(", ") : "—");

/** The STAC catalog (pgSTAC): every collection, its extent and how many items it holds. */
export default async function StacPage() {
  await requirePageRole("reader");
  const stac = await stacAvailability();
  if (!stac.available)
    return (
      <>
        <PageHeader title="STAC catalog" />
        <Notice title="pgSTAC is not available" tone="warning">
          <p>{stac.reason}</p>
        </Notice>
      </>
    );
  const collections = await listCollections();
  return (
    <>
      <PageHeader title="STAC catalog">
        {/* eslint-disable-next-line @next/next/no-html-link-for-pages -- a JSON API response, not a page */}
        <a className="text-sm text-sky-700 underline dark:text-sky-400" href="/api/stac/collections">
          JSON (STAC API)
        </a>
      </PageHeader>
      {collections.length === 0 ? (
        <Notice title="No collections">
          <p>pgstac.collections is empty: nothing has been catalogued yet.</p>
        </Notice>
      ) : (
        <Table
          caption="STAC collections"
          testId="stac-collections"
          head={
            <>
              <Th>Collection</Th>
              <Th>Description</Th>
              <Th>License</Th>
              <Th>Spatial extent (W, S, E, N)</Th>
              <Th>Temporal extent</Th>
              <Th align="right">Items</Th>
            </>
          }
        >
          {collections.map((c) => (
            <tr key={c.id} data-testid={`stac-collection-${c.id}`}>
              <Td>
                <Link
                  href={`/stac/${encodeURIComponent(c.id)}`}
                  className="font-medium text-sky-800 hover:underline dark:text-sky-300"
                >
                  {c.title ?? c.id}
                </Link>
                <div className="font-mono text-xs text-slate-600 dark:text-slate-400">{c.id}</div>
              </Td>
              <Td className="max-w-md text-xs">{c.description ?? "—"}</Td>
              <Td className="text-xs">{c.license ?? "—"}</Td>
              <Td className="font-mono text-xs">{bboxText(c.bbox)}</Td>
              <Td className="whitespace-nowrap text-xs">
                {c.interval ? `${c.interval[0] ?? "open"} → ${c.interval[1] ?? "open"}` : "—"}
              </Td>
              <Td align="right">
                <span title={c.item_count.exact ? "exact" : "estimated from the planner's statistics"}>
                  {formatCount(c.item_count.value, c.item_count.exact)}
                </span>
              </Td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}
