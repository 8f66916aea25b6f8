// node scripts/fix-lockfile.mjs — run after `npm install` changes package-lock.json.
// The registry this project installs from serves only the linux-x64 builds of packages with
// per-platform binaries (next's swc, tailwind's oxide, ...). npm then leaves the other platforms'
// optional packages out of the lock, and `npm ci` refuses the lock as "out of sync". This adds
// a stub entry (version, optional) for each such package; npm skips them as optional at install.
import { readFileSync, writeFileSync } from "node:fs";

const path = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(path, "utf8"));
const pkgs = lock.packages;
let added = 0;
for (const [where, entry] of Object.entries(pkgs)) {
  for (const [name, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    const nested = `${where ? `${where}/` : ""}node_modules/${name}`;
    if (pkgs[key] || pkgs[nested]) continue;
    pkgs[key] = { version: String(spec).replace(/^[\^~=]/, ""), optional: true, ...(entry.dev ? { dev: true } : {}) };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(pkgs).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))),
);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`fix-lockfile: added ${added} stub entr${added === 1 ? "y" : "ies"} for optional platform packages`);
