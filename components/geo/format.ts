/**
 * Display helpers of the geo, orphan and audit pages (pure, server or client). Counts and short
 * ids come from components/ui/format.ts; only what it lacks lives here.
 */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  return iso.replace("T", " ").replace(/\.\d+Z$/, "Z").replace(/:\d\dZ$/, " UTC");
}
