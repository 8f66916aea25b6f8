import "server-only";
import { log } from "../log";

/**
 * Streams a filtered list as CSV or JSON, page by page (keyset), so memory stays flat however
 * many rows match. Capped at EXPORT_CAP rows: the cap is stated in the X-Export-Cap header, in
 * the JSON body (cap, truncated) and on the page that offers the export.
 */
export const EXPORT_CAP = 50_000;
const BATCH = 1000;

export type ExportFormat = "csv" | "json";

export interface ExportSpec<T> {
  name: string; // "jobs" | "tasks": file name and JSON key
  format: ExportFormat;
  columns: readonly (keyof T & string)[];
  filters: Record<string, unknown>;
  /** One keyset page: the rows after `cursor` and the cursor of the next page. */
  page: (cursor: string | undefined, limit: number) => Promise<{ rows: T[]; next: string | null }>;
  cap?: number;
}

/** CSV field: quoted when needed; a leading = + - @ is defused so spreadsheets don't run it. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return "";
  let s = typeof v === "object" ? JSON.stringify(v) : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function exportResponse<T>(spec: ExportSpec<T>): Response {
  const cap = spec.cap ?? EXPORT_CAP;
  const enc = new TextEncoder();
  let cursor: string | undefined;
  let sent = 0;
  let started = false;
  let done = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!started) {
          started = true;
          controller.enqueue(
            enc.encode(
              spec.format === "csv"
                ? spec.columns.join(",") + "\r\n"
                : `{"export":${JSON.stringify(spec.name)},"cap":${cap},"filters":${JSON.stringify(spec.filters)},"${spec.name}":[`,
            ),
          );
          return;
        }
        if (done) return;
        const want = Math.min(BATCH, cap - sent);
        const { rows, next } = await spec.page(cursor, want);
        let chunk = "";
        for (const r of rows) {
          if (spec.format === "csv") chunk += spec.columns.map((c) => csvField(r[c])).join(",") + "\r\n";
          else
            chunk +=
              (sent > 0 ? "," : "") + JSON.stringify(Object.fromEntries(spec.columns.map((c) => [c, r[c] ?? null])));
          sent++;
        }
        cursor = next ?? undefined;
        const truncated = sent >= cap && next !== null;
        if (!next || sent >= cap) {
          done = true;
          if (spec.format === "json") chunk += `],"count":${sent},"truncated":${truncated},"complete":true}`;
          if (chunk) controller.enqueue(enc.encode(chunk));
          controller.close();
          return;
        }
        if (chunk) controller.enqueue(enc.encode(chunk));
      } catch (err) {
        // The 200 and the rows so far are already sent: end the file with a marker a person and a
        // script can both see, instead of a file that merely looks shorter.
        log.error("export failed mid-stream", {
          export: spec.name,
          rows_sent: sent,
          code: (err as { code?: string }).code,
          error: (err as Error).message,
        });
        done = true;
        const why = `export incomplete: the database stopped answering after ${sent} rows; retry`;
        controller.enqueue(
          enc.encode(
            spec.format === "csv"
              ? `# ERROR: ${why}\r\n`
              : `],"count":${sent},"complete":false,"error":${JSON.stringify(why)}}`,
          ),
        );
        controller.close();
      }
    },
  });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  return new Response(stream, {
    headers: {
      "Content-Type": spec.format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${spec.name}-${stamp}.${spec.format}"`,
      "Cache-Control": "no-store",
      "X-Export-Cap": String(cap),
    },
  });
}
