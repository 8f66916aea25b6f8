import "server-only";
import { escapeLike, likePrefix } from "./like";
import { readQuery } from "./pool";
import { CONSOLE_PAGES } from "../console-pages";

/**
 * The command palette's search (GET /api/search?q=): job id prefix, task id prefix, failure group
 * text, layer name or title, STAC item id prefix and the console's page names. Read-only, reader pool, parameters
 * only, every query bounded by LIMIT; at most SEARCH_MAX_RESULTS results in all.
 */
export type SearchKind = "page" | "job" | "task" | "failure" | "layer" | "stac_item";

export interface SearchResult {
  kind: SearchKind;
  id: string;
  title: string;
  subtitle?: string;
  href: string;
}

/** Results in all. */
export const SEARCH_MAX_RESULTS = 20;
/** Rows asked of each kind; the SEARCH_MAX_RESULTS slots are then shared out among the kinds. */
export const SEARCH_PER_KIND = 10;
/** The order of the kinds in the answer (and the palette's groups). */
export const SEARCH_KINDS: readonly SearchKind[] = ["page", "job", "task", "failure", "layer", "stac_item"];

/** The console's pages (the sidebar's list), matched in TypeScript. */
export const SEARCH_PAGES: readonly { href: string; label: string }[] = CONSOLE_PAGES;

// Job and task ids: prefix LIKE on the varchar_pattern_ops indexes (idx_jobs_job_id_pattern in
// sql/app/002_console_indexes.sql, idx_tasks_task_id_pattern in sql/app/003_search_indexes.sql),
// read in the index's own order (USING ~<~), so LIMIT stops after the first rows even when the
// prefix matches a large part of the table. The primary keys cannot serve LIKE unless the
// database collation is "C". $1 = likePrefix(q), $2 = the limit.
export const JOB_PREFIX_SQL = `SELECT job_id, job_type, status
  FROM app.jobs
 WHERE job_id LIKE $1
 ORDER BY job_id USING ~<~
 LIMIT $2`;

export const TASK_PREFIX_SQL = `SELECT task_id, job_id, task_type, stage, status
  FROM app.tasks
 WHERE task_id LIKE $1
 ORDER BY task_id USING ~<~
 LIMIT $2`;

// Layers: geo.table_metadata is small (one row per published layer), so ILIKE on name and title
// is fine. Name prefixes first, then title prefixes, then the rest. $1 = %q%, $2 = q%.
export const LAYER_SQL = `SELECT table_name, title
  FROM geo.table_metadata
 WHERE table_name ILIKE $1 OR title ILIKE $1
 ORDER BY (table_name ILIKE $2) DESC, coalesce(title ILIKE $2, false) DESC, table_name
 LIMIT $3`;

// STAC items: plain SELECT on pgstac.items (no pgSTAC function, so no pgstac search_path), the
// matches bounded first, then the layer whose metadata names the item, if any. pgstac.items is
// partitioned by collection and each partition's only id index is pgSTAC's (id) with the default
// opclass: LIKE can use it only under the "C" collation, otherwise every partition is scanned
// (pgSTAC's schema is not ours to index). $1 = likePrefix(q), $2 = the limit.
export const STAC_ITEM_SQL = `SELECT i.id, i.collection, m.table_name
  FROM (SELECT id, collection FROM pgstac.items WHERE id LIKE $1 ORDER BY id USING ~<~, collection LIMIT $2) i
  LEFT JOIN LATERAL (
       SELECT t.table_name FROM geo.table_metadata t
        WHERE t.stac_item_id = i.id AND (t.stac_collection_id IS NULL OR t.stac_collection_id = i.collection)
        ORDER BY t.table_name
        LIMIT 1) m ON true
 ORDER BY i.id USING ~<~, i.collection`;

const enc = encodeURIComponent;

function searchPages(q: string): SearchResult[] {
  const needle = q.toLowerCase();
  return SEARCH_PAGES.map((p) => ({ p, at: p.label.toLowerCase().indexOf(needle) }))
    .filter((x) => x.at >= 0)
    .sort((a, b) => a.at - b.at)
    .slice(0, SEARCH_PER_KIND)
    .map(({ p }) => ({ kind: "page", id: p.href, title: p.label, subtitle: p.href, href: p.href }));
}

async function searchJobs(q: string): Promise<SearchResult[]> {
  const rows = await readQuery<{ job_id: string; job_type: string; status: string }>(JOB_PREFIX_SQL, [
    likePrefix(q),
    SEARCH_PER_KIND,
  ]);
  return rows.map((r) => ({
    kind: "job",
    id: r.job_id,
    title: r.job_id,
    subtitle: `${r.job_type} · ${r.status}`,
    href: `/jobs/${enc(r.job_id)}`,
  }));
}

async function searchTasks(q: string): Promise<SearchResult[]> {
  const rows = await readQuery<{ task_id: string; job_id: string; task_type: string; stage: number; status: string }>(
    TASK_PREFIX_SQL,
    [likePrefix(q), SEARCH_PER_KIND],
  );
  // The job page lists its tasks by stage (no per-task anchor): open it on the task's stage.
  return rows.map((r) => ({
    kind: "task",
    id: r.task_id,
    title: r.task_id,
    subtitle: `${r.task_type} · stage ${r.stage} · ${r.status} · job ${r.job_id.slice(0, 8)}…`,
    href: `/jobs/${enc(r.job_id)}?stage=${r.stage}#tasks`,
  }));
}

async function searchLayers(q: string): Promise<SearchResult[]> {
  const rows = await readQuery<{ table_name: string; title: string | null }>(LAYER_SQL, [
    `%${escapeLike(q)}%`,
    likePrefix(q),
    SEARCH_PER_KIND,
  ]);
  return rows.map((r) => ({
    kind: "layer",
    id: r.table_name,
    title: r.title || r.table_name,
    subtitle: `geo.${r.table_name}`,
    href: `/geo/${enc(r.table_name)}`,
  }));
}

// Failure groups (console.failure_signatures: one row per error signature, hundreds to a few
// thousand): ILIKE on the template and the class, most recently seen first. $1 = %q%, $2 = limit.
export const FAILURE_GROUP_SQL = `SELECT signature, template, error_class, last_seen
  FROM console.failure_signatures
 WHERE template ILIKE $1 OR error_class ILIKE $1
 ORDER BY last_seen DESC, signature
 LIMIT $2`;

async function searchFailureGroups(q: string): Promise<SearchResult[]> {
  const rows = await readQuery<{ signature: string; template: string; error_class: string | null }>(FAILURE_GROUP_SQL, [
    `%${escapeLike(q)}%`,
    SEARCH_PER_KIND,
  ]);
  return rows.map((r) => ({
    kind: "failure",
    id: r.signature,
    title: r.template,
    subtitle: r.error_class ? `${r.error_class} · failure group` : "failure group",
    href: `/failures/${r.signature}?window=30d`,
  }));
}

// pgSTAC not installed (42P01: pgstac.items does not exist, 3F000: no schema) or not readable by
// the reader (42501): the kind is simply empty, as on the other pages that read pgSTAC.
const STAC_ABSENT = new Set(["42P01", "3F000", "42501"]);

async function searchStacItems(q: string): Promise<SearchResult[]> {
  let rows: { id: string; collection: string; table_name: string | null }[];
  try {
    rows = await readQuery(STAC_ITEM_SQL, [likePrefix(q), SEARCH_PER_KIND]);
  } catch (err) {
    if (STAC_ABSENT.has((err as { code?: string }).code ?? "")) return [];
    throw err;
  }
  return rows.map((r) => ({
    kind: "stac_item",
    id: r.id,
    title: r.id,
    subtitle: r.table_name ? `${r.collection} · layer ${r.table_name}` : `${r.collection} · no layer`,
    href: r.table_name ? `/geo/${enc(r.table_name)}` : "/orphans",
  }));
}

/**
 * Shares `max` slots among the kinds in turn (one each, round after round), so a kind with few
 * matches leaves its slots to the others; the result stays grouped in SEARCH_KINDS order.
 */
export function shareSlots(groups: SearchResult[][], max = SEARCH_MAX_RESULTS): SearchResult[] {
  const take = groups.map(() => 0);
  for (let left = max, more = true; left > 0 && more;) {
    more = false;
    for (let k = 0; k < groups.length && left > 0; k++) {
      if (take[k] < groups[k].length) {
        take[k]++;
        left--;
        more = true;
      }
    }
  }
  return groups.flatMap((g, k) => g.slice(0, take[k]));
}

/** Everything `q` (1–100 characters, validated by the caller) finds, grouped by kind. */
export async function search(q: string): Promise<SearchResult[]> {
  const [jobs, tasks, failures, layers, items] = await Promise.all([
    searchJobs(q),
    searchTasks(q),
    searchFailureGroups(q),
    searchLayers(q),
    searchStacItems(q),
  ]);
  return shareSlots([searchPages(q), jobs, tasks, failures, layers, items]);
}
