/** Small display helpers shared by the geo, orphan and audit pages (pure, server or client). */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  return iso.replace("T", " ").replace(/\.\d+Z$/, "Z").replace(/:\d\dZ$/, " UTC");
}

export const formatCount = (n: number | null | undefined): string => (n === null || n === undefined ? "—" : n.toLocaleString("en-US"));

export const shortId = (id: string | null | undefined, n = 12): string => (!id ? "—" : id.length > n ? `${id.slice(0, n)}…` : id);
