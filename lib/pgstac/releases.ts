import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

/**
 * pgSTAC's releases as pypgstac ships them: one folder of SQL files, base installs
 * (`pgstac--0.9.8.sql`) and incremental migrations (`pgstac--0.9.7--0.9.8.sql`). pypgstac's own
 * package spells them `pgstac.0.9.8.sql` / `pgstac.0.9.7-0.9.8.sql`; both spellings are read.
 * `unreleased` files (pgSTAC's development heads) are skipped, like pypgstac does.
 *
 * No "server-only" marker: the demo loader and the test harness install pgSTAC through it too.
 */
export interface ReleaseFile {
  name: string;
  /** Absolute path. */
  file: string;
  sha256: string;
  bytes: number;
}
export interface BaseRelease extends ReleaseFile {
  version: string;
}
export interface IncrementalRelease extends ReleaseFile {
  from: string;
  to: string;
}
export interface PgstacReleases {
  dir: string;
  bases: BaseRelease[];
  increments: IncrementalRelease[];
}

export class PgstacReleaseError extends Error {
  constructor(
    message: string,
    /** no_chain, downgrade, unknown_installed, unknown_target, up_to_date, folder */
    readonly reason: string,
  ) {
    super(message);
  }
}

const VERSION = String.raw`\d+\.\d+\.\d+`;
const BASE = [new RegExp(`^pgstac--(${VERSION})\\.sql$`), new RegExp(`^pgstac\\.(${VERSION})\\.sql$`)];
const INCREMENT = [
  new RegExp(`^pgstac--(${VERSION})--(${VERSION})\\.sql$`),
  new RegExp(`^pgstac\\.(${VERSION})-(${VERSION})\\.sql$`),
];

/** -1, 0, 1 by numeric major.minor.patch. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] < pb[i] ? -1 : 1;
  return 0;
}

/** A release file with its checksum and size, as a plan lists it. */
export function describeReleaseFile(file: string): ReleaseFile {
  const name = path.basename(file);
  const body = readFileSync(file);
  return { name, file, sha256: createHash("sha256").update(body).digest("hex"), bytes: body.length };
}

/**
 * Reads and checks a migrations folder. Throws PgstacReleaseError (reason "folder") naming what is
 * wrong: the folder is missing, holds no base file, or has a pgstac*.sql name that is neither form.
 */
export function readReleases(dir: string): PgstacReleases {
  const abs = path.resolve(dir);
  let names: string[];
  try {
    if (!statSync(abs).isDirectory()) throw new Error("not a folder");
    names = readdirSync(abs).sort();
  } catch {
    throw new PgstacReleaseError(`${abs} is not a readable folder of pgSTAC release files.`, "folder");
  }
  const bases: BaseRelease[] = [];
  const increments: IncrementalRelease[] = [];
  const unparsed: string[] = [];
  for (const name of names) {
    if (!name.endsWith(".sql") || !name.startsWith("pgstac") || name.includes("unreleased")) continue;
    const b = BASE.map((r) => r.exec(name)).find(Boolean);
    const i = INCREMENT.map((r) => r.exec(name)).find(Boolean);
    if (b) bases.push({ ...describeReleaseFile(path.join(abs, name)), version: b[1] });
    else if (i) increments.push({ ...describeReleaseFile(path.join(abs, name)), from: i[1], to: i[2] });
    else unparsed.push(name);
  }
  if (unparsed.length)
    throw new PgstacReleaseError(
      `${abs}: cannot read the version from ${unparsed.join(", ")} (expected pgstac--X.Y.Z.sql or pgstac--A.B.C--X.Y.Z.sql).`,
      "folder",
    );
  if (!bases.length) throw new PgstacReleaseError(`${abs} holds no base release file (pgstac--X.Y.Z.sql).`, "folder");
  bases.sort((a, b) => compareVersions(a.version, b.version));
  return { dir: abs, bases, increments };
}

export const newestBase = (r: PgstacReleases): BaseRelease => r.bases[r.bases.length - 1];

export interface MigrationPlan {
  from: string | null;
  to: string;
  /** Applied in this order, each in the same transaction. */
  files: ReleaseFile[];
}

/**
 * What `pypgstac migrate` would apply: nothing installed → the target's base file; otherwise the
 * shortest chain of incremental files from the installed version to the target (breadth-first
 * over the from → to edges). Throws PgstacReleaseError saying why when there is no way.
 */
export function migrationPath(r: PgstacReleases, installed: string | null, target?: string): MigrationPlan {
  const known = new Set([...r.bases.map((b) => b.version), ...r.increments.map((i) => i.to)]);
  const to = target ?? newestBase(r).version;
  if (target !== undefined && !known.has(target))
    throw new PgstacReleaseError(
      `pgSTAC ${target} is not in ${r.dir} (it has ${[...known].sort(compareVersions).join(", ")}).`,
      "unknown_target",
    );
  if (installed === null) {
    const base = r.bases.find((b) => b.version === to);
    if (!base)
      throw new PgstacReleaseError(
        `pgSTAC is not installed and ${r.dir} has no base file for ${to} (pgstac--${to}.sql).`,
        "no_chain",
      );
    return { from: null, to, files: [base] };
  }
  if (compareVersions(installed, to) === 0)
    throw new PgstacReleaseError(`pgSTAC ${installed} is installed already: nothing to migrate.`, "up_to_date");
  if (compareVersions(installed, to) > 0)
    throw new PgstacReleaseError(
      `pgSTAC ${installed} is installed, newer than ${to}: pgSTAC has no downgrades.`,
      "downgrade",
    );
  const from = new Set([...r.increments.map((i) => i.from), ...r.bases.map((b) => b.version)]);
  if (!from.has(installed))
    throw new PgstacReleaseError(
      `pgSTAC ${installed} is installed and ${r.dir} has no migration from it (no pgstac--${installed}--*.sql).`,
      "unknown_installed",
    );
  // Breadth-first: the first time the target is reached is by the fewest files.
  const prev = new Map<string, IncrementalRelease>();
  const queue = [installed];
  const seen = new Set(queue);
  while (queue.length) {
    const v = queue.shift()!;
    if (v === to) break;
    for (const e of r.increments)
      if (e.from === v && !seen.has(e.to) && compareVersions(e.to, e.from) > 0) {
        seen.add(e.to);
        prev.set(e.to, e);
        queue.push(e.to);
      }
  }
  if (!prev.has(to))
    throw new PgstacReleaseError(
      `No chain of migrations in ${r.dir} leads from pgSTAC ${installed} to ${to}.`,
      "no_chain",
    );
  const files: IncrementalRelease[] = [];
  for (let v = to; v !== installed; v = prev.get(v)!.from) files.unshift(prev.get(v)!);
  return { from: installed, to, files };
}

/** The file's text, refused if it changed since it was listed (a plan is bound to checksums). */
export function readReleaseFile(f: ReleaseFile): string {
  const body = readFileSync(f.file);
  const sha = createHash("sha256").update(body).digest("hex");
  if (sha !== f.sha256)
    throw new PgstacReleaseError(`${f.name} changed since the plan was made (checksum differs).`, "changed");
  return body.toString("utf8");
}
