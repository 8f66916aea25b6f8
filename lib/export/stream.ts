import "server-only";
import { stringify } from "csv-stringify/sync";
import { log } from "../log";
import { isDatabaseUnavailable } from "../api/errors";
import { isoTime } from "../db/timestamps";

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

/**
 * CSV records (csv-stringify: quoting, CRLF). Objects become their JSON; escape_formulas puts a
 * quote before a leading = + - @ tab or CR, so a spreadsheet shows the text instead of running it.
 */
export function csvRows(rows: readonly (readonly unknown[])[]): string {
  return stringify(
    rows.map((r) => r.map((v) => (v !== null && typeof v === "object" ? JSON.stringify(v) : v))),
    {
      escape_formulas: true,
      record_delimiter: "windows",
      // A bare LF inside a field must be quoted too (csv-stringify only quotes the record delimiter, CRLF).
      quoted_match: /[\r\n]/,
      cast: { boolean: (b) => String(b), date: (d) => isoTime(d) ?? "" },
    },
  );
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
                ? csvRows([spec.columns])
                : `{"export":${JSON.stringify(spec.name)},"cap":${cap},"filters":${JSON.stringify(spec.filters)},"${spec.name}":[`,
            ),
          );
          return;
        }
        if (done) return;
        const want = Math.min(BATCH, cap - sent);
        const { rows, next } = await spec.page(cursor, want);
        let chunk = spec.format === "csv" ? csvRows(rows.map((r) => spec.columns.map((c) => r[c]))) : "";
        for (const r of rows) {
          if (spec.format === "json")
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
        // Say what happened: a lost database is worth a retry; anything else is logged, with its SQLSTATE.
        const code = (err as { code?: string }).code;
        const why = isDatabaseUnavailable(err)
          ? `export incomplete: the database stopped answering after ${sent} rows; retry`
          : `export incomplete: it failed after ${sent} rows${code ? ` (SQLSTATE ${code})` : ""}; the error was logged on the server`;
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
