import { ConfigError, getConfig } from "./config";

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
