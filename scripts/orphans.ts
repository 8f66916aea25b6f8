/**
 * npm run orphans: runs the orphan check once (for cron), stores the result in
 * console.orphan_reports and prints its structured log lines.
 * Exit code: 0 healthy, 1 orphans found, 2 the check could not run.
 * Runs with `--conditions=react-server` (see package.json) so lib/ modules marked server-only load.
 */
import { logOrphanReport, runOrphanCheck } from "../lib/db/orphans";
import { pools } from "../lib/db/pool";

let code = 2;
try {
  const r = await runOrphanCheck({ force: true });
  if (!r.ran) {
    console.error(
      JSON.stringify({ level: "warn", msg: "orphan check skipped: another instance is running it", reason: r.reason }),
    );
    code = 2;
  } else {
    logOrphanReport(r.report, r.durationMs);
    code = r.report.summary.health_status === "HEALTHY" ? 0 : 1;
  }
} catch (err) {
  console.error(JSON.stringify({ level: "error", msg: "orphan check failed", error: (err as Error).message }));
  code = 2;
} finally {
  const p = pools();
  await Promise.all([...new Set([p.admin, p.reader])].map((x) => x.end()));
}
process.exit(code);
