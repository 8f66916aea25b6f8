/**
 * npm run token -- admin|reader [name]
 * Prints, as its last line, a bearer token the JSON API accepts in the local demo/test setup.
 * It is sealed with the local setup's own key (.data/local-auth-secret); a production server
 * never accepts it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { sealLocalToken } from "../lib/auth/local-token";

const [role, name = `${process.argv[2] ?? ""}-cli`] = process.argv.slice(2);
if (role !== "admin" && role !== "reader") {
  console.error("usage: npm run token -- admin|reader [name]");
  process.exit(2);
}
if (process.env.NODE_ENV === "production") {
  console.error("token: refused: local tokens are for the local demo/test setup, not production.");
  process.exit(1);
}
let secret = process.env.LOCAL_AUTH_SECRET;
if (!secret) {
  try {
    secret = readFileSync(path.join(process.cwd(), ".data/local-auth-secret"), "utf8").trim();
  } catch {
    console.error("token: no local key yet: run `npm run demo` (or `npm test`) once first.");
    process.exit(1);
  }
}
const token = await sealLocalToken(secret, { id: `local:${name}`, name, role });
console.error(`Bearer token for ${name} (${role}), valid 12 h. Use: curl -H "Authorization: Bearer $TOKEN" ...`);
console.log(token);
