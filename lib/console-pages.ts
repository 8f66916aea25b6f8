/**
 * The console's pages, in sidebar order. A plain module (no "use client"), so the sidebar and the
 * server's search (the Ctrl+K palette) read the same list.
 */
export const CONSOLE_PAGES = [
  { href: "/", label: "Overview" },
  { href: "/jobs", label: "Jobs" },
  { href: "/tasks", label: "Tasks" },
  { href: "/failures", label: "Failures" },
  { href: "/geo", label: "Geo layers" },
  { href: "/stac", label: "STAC catalog" },
  { href: "/h3", label: "H3 grids" },
  { href: "/activity", label: "Activity" },
  { href: "/orphans", label: "Orphans" },
  { href: "/maintenance", label: "Maintenance" },
  { href: "/health", label: "Health" },
  { href: "/audit", label: "Audit" },
] as const;
