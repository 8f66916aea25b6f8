import { ConfigError, getConfig } from "./config";
import { startFailureRollup } from "./failures/schedule";
import { startOrphanSchedule } from "./orphans/schedule";
import { installBadEscapeGuard } from "./security/bad-escapes";

/**
 * Server start-up. A bad environment stops the server here with one line per bad variable,
 * instead of failing later inside a request with a stack trace.
 */
try {
  getConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`geoetl-console: ${err.message}`);
    process.exit(1);
  }
  throw err;
}

// Paths Next's router cannot decode are answered before it sees them (lib/security/bad-escapes.ts).
installBadEscapeGuard(getConfig().origin.startsWith("https://"));

// The orphan check runs inside the server on a schedule (advisory-locked: once across instances).
startOrphanSchedule();

// The failure triage rollup refreshes incrementally on its own timer (advisory-locked too).
startFailureRollup();
