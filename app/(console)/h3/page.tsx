import Link from "next/link";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePageRole } from "@/lib/auth/page";
import { listFilters, listGrids } from "@/lib/db/h3";
import { formatCount, formatDate, shortId } from "@/lib/format";
import type { Metadata } from "next";

export const metadata: Metadata = { title: "H3 grids" };

export const dynamic = "force-dynamic";

/** The H3 reference data: grids (h3.grid_metadata) and the named filters over them (h3.reference_filters). */
export default async function H3Page() {
  await requirePageRole("reader");
  const [grids, filters] = await Promise.all([listGrids(), listFilters()]);
  return (
    <>
      <PageHeader title="H3 grids" />
      <section aria-labelledby="h3-grids" className="mb-8">
        <h2 id="h3-grids" className="mb-2 font-semibold">
          Grids
        </h2>
        {grids.length === 0 ? (
          <Notice title="No grids">
            <p>h3.grid_metadata is empty.</p>
          </Notice>
        ) : (
          <Table
            caption="H3 grids"
            testId="h3-grids"
            head={
              <>
                <Th>Grid</Th>
                <Th align="right">Resolution</Th>
                <Th align="right">Cells</Th>
                <Th>Extent (W, S, E, N)</Th>
                <Th>Source job</Th>
                <Th>Created</Th>
              </>
            }
          >
            {grids.map((g) => (
              <tr key={g.grid_id} data-testid={`h3-grid-${g.grid_id}`}>
                <Td>
                  <Link
                    className="font-mono text-sky-800 hover:underline dark:text-sky-300"
                    href={`/h3/${encodeURIComponent(g.grid_id)}`}
                  >
                    {g.grid_id}
                  </Link>
                </Td>
                <Td align="right">{g.resolution}</Td>
                <Td align="right">{formatCount(g.cell_count)}</Td>
                <Td className="font-mono text-xs">
                  {g.bbox ? g.bbox.map((n) => Number(n.toFixed(2))).join(", ") : "—"}
                </Td>
                <Td className="font-mono text-xs">
                  {g.source_job_id ? (
                    <Link href={`/jobs/${encodeURIComponent(g.source_job_id)}`} className="hover:underline">
                      {shortId(g.source_job_id)}
                    </Link>
                  ) : (
                    "—"
                  )}
                </Td>
                <Td className="whitespace-nowrap text-xs">{formatDate(g.created_at)}</Td>
              </tr>
            ))}
          </Table>
        )}
      </section>
      <section aria-labelledby="h3-filters">
        <h2 id="h3-filters" className="mb-2 font-semibold">
          Reference filters
        </h2>
        {filters.length === 0 ? (
          <Notice title="No filters">
            <p>h3.reference_filters is empty.</p>
          </Notice>
        ) : (
          <Table
            caption="H3 reference filters"
            testId="h3-filters"
            head={
              <>
                <Th>Filter</Th>
                <Th align="right">Resolution</Th>
                <Th align="right">Cells</Th>
                <Th>Description</Th>
              </>
            }
          >
            {filters.map((f) => (
              <tr key={f.filter_name} data-testid={`h3-filter-${f.filter_name}`}>
                <Td>
                  <Link
                    className="font-mono text-sky-800 hover:underline dark:text-sky-300"
                    href={`/h3/filters/${encodeURIComponent(f.filter_name)}`}
                  >
                    {f.filter_name}
                  </Link>
                </Td>
                <Td align="right">{f.resolution}</Td>
                <Td align="right">{formatCount(f.cell_count)}</Td>
                <Td className="text-xs">{f.description ?? "—"}</Td>
              </tr>
            ))}
          </Table>
        )}
      </section>
    </>
  );
}
