import { queryOptions } from "@tanstack/react-query";
// Types only (erased at build): the API's answer.
import type { SearchKind, SearchResult } from "@/lib/db/search";

export type { SearchKind, SearchResult };

/** The palette's group headings, one per kind, in the API's order. */
export const KIND_LABELS: Record<SearchKind, string> = {
  page: "Pages",
  job: "Jobs",
  task: "Tasks",
  failure: "Failure groups",
  layer: "Geo layers",
  stac_item: "STAC items",
};

/** GET /api/search?q=: the results, or an Error carrying the API's message. */
export async function fetchSearch(q: string, signal?: AbortSignal): Promise<SearchResult[]> {
  const res = await fetch(`/api/search?q=${encodeURIComponent(q)}`, {
    headers: { accept: "application/json" },
    signal,
  });
  const body = (await res.json().catch(() => null)) as {
    results?: SearchResult[];
    error?: { message?: string };
  } | null;
  if (res.status === 401) throw new Error("Your session has ended: reload the page to sign in again.");
  if (!res.ok || !body?.results) throw new Error(body?.error?.message ?? `Search failed (HTTP ${res.status}).`);
  return body.results;
}

/** One query per search text; the same options serve the debounced list and an early Enter. */
export const searchQueryOptions = (q: string) =>
  queryOptions({
    queryKey: ["search", q] as const,
    queryFn: ({ signal }) => fetchSearch(q, signal),
    staleTime: 30_000,
    retry: false,
  });
