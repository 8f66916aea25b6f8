/** Choices the list pages offer (the URL parsers accept exactly these). */
export const PAGE_SIZES = [25, 50, 100] as const;

/** Presets of the /jobs time window, in hours (the URL keeps `hours`, so a link stays relative to now). */
export const WINDOW_PRESETS = [
  { hours: 1, label: "1 h" },
  { hours: 24, label: "24 h" },
  { hours: 168, label: "7 d" },
  { hours: 720, label: "30 d" },
] as const;
