import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { pgstacInstallFrom } from "@/lib/pgstac/config";
import { PgstacReleaseError, migrationPath, readReleases } from "@/lib/pgstac/releases";

/** Release folders in pypgstac's layout, made up: the path finding must hold for any chain. */
const dirs: string[] = [];
function folder(files: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), "pgstac-releases-"));
  dirs.push(dir);
  for (const f of files) writeFileSync(path.join(dir, f), `-- ${f}\nSELECT 1;\n`);
  return dir;
}
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});
const reason = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PgstacReleaseError);
    return (err as PgstacReleaseError).reason;
  }
  throw new Error("expected a PgstacReleaseError");
};

describe("readReleases", () => {
  it("reads base and incremental files in both spellings, sorts bases by version, skips unreleased and other files", () => {
    const r = readReleases(
      folder([
        "pgstac--0.10.0.sql",
        "pgstac--0.9.8.sql",
        "pgstac.0.9.2.sql",
        "pgstac--0.9.8--0.10.0.sql",
        "pgstac.0.9.2-0.9.8.sql",
        "pgstac--unreleased.sql",
        "README.md",
        "LICENSE",
      ]),
    );
    expect(r.bases.map((b) => b.version)).toEqual(["0.9.2", "0.9.8", "0.10.0"]);
    expect(r.increments.map((i) => `${i.from}>${i.to}`).sort()).toEqual(["0.9.2>0.9.8", "0.9.8>0.10.0"]);
    expect(r.bases[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses a missing folder, one without a base file, and names it cannot parse", () => {
    expect(reason(() => readReleases("/nonexistent/pgstac"))).toBe("folder");
    expect(() => readReleases(folder(["pgstac--0.9.7--0.9.8.sql"]))).toThrow(/no base release file/);
    expect(() => readReleases(folder(["pgstac--0.9.8.sql", "pgstac--0.9.x.sql"]))).toThrow(
      /cannot read the version from pgstac--0\.9\.x\.sql/,
    );
  });
});

describe("migrationPath (what pypgstac migrate would apply)", () => {
  const chain = () =>
    readReleases(
      folder([
        "pgstac--0.1.0.sql",
        "pgstac--0.4.0.sql",
        "pgstac--0.1.0--0.2.0.sql",
        "pgstac--0.2.0--0.3.0.sql",
        "pgstac--0.3.0--0.4.0.sql",
        "pgstac--0.2.0--0.4.0.sql",
        "pgstac--0.5.0--0.6.0.sql",
      ]),
    );
  const names = (p: { files: { name: string }[] }) => p.files.map((f) => f.name);

  it("nothing installed: the target's base file (default the newest base)", () => {
    expect(migrationPath(chain(), null)).toMatchObject({
      from: null,
      to: "0.4.0",
      files: [{ name: "pgstac--0.4.0.sql" }],
    });
    expect(names(migrationPath(chain(), null, "0.1.0"))).toEqual(["pgstac--0.1.0.sql"]);
  });

  it("takes the shortest chain of incremental files", () => {
    expect(names(migrationPath(chain(), "0.1.0"))).toEqual(["pgstac--0.1.0--0.2.0.sql", "pgstac--0.2.0--0.4.0.sql"]);
    expect(names(migrationPath(chain(), "0.2.0", "0.3.0"))).toEqual(["pgstac--0.2.0--0.3.0.sql"]);
    expect(names(migrationPath(chain(), "0.3.0"))).toEqual(["pgstac--0.3.0--0.4.0.sql"]);
  });

  it("refuses, saying why: up to date, a downgrade, an unknown installed version, an unknown target, a gap", () => {
    expect(reason(() => migrationPath(chain(), "0.4.0"))).toBe("up_to_date");
    expect(reason(() => migrationPath(chain(), "0.4.0", "0.2.0"))).toBe("downgrade");
    expect(reason(() => migrationPath(chain(), "0.0.9"))).toBe("unknown_installed");
    expect(reason(() => migrationPath(chain(), "0.1.0", "9.9.9"))).toBe("unknown_target");
    // 0.4.0 → 0.6.0: no file leaves 0.4.0 towards 0.5.0
    expect(reason(() => migrationPath(chain(), "0.4.0", "0.6.0"))).toBe("no_chain");
    // nothing installed and no base of the target
    expect(reason(() => migrationPath(chain(), null, "0.3.0"))).toBe("no_chain");
  });
});

describe("PGSTAC_* configuration", () => {
  it("a folder is read and checked at start-up; one way at a time; a pinned version must be in it", () => {
    const dir = folder(["pgstac--0.9.7.sql", "pgstac--0.9.8.sql", "pgstac--0.9.7--0.9.8.sql"]);
    const problems: string[] = [];
    expect(pgstacInstallFrom({ PGSTAC_MIGRATIONS_DIR: dir }, problems)).toEqual({ kind: "dir", dir });
    expect(pgstacInstallFrom({ PGSTAC_MIGRATIONS_DIR: dir, PGSTAC_TARGET_VERSION: "0.9.7" }, problems)).toEqual({
      kind: "dir",
      dir,
      target: "0.9.7",
    });
    expect(problems).toEqual([]);
    expect(pgstacInstallFrom({ PGSTAC_MIGRATIONS_DIR: "none" }, problems)).toBeNull();
    expect(pgstacInstallFrom({ PGSTAC_MIGRATIONS_DIR: "/nonexistent" }, problems)).toBeNull();
    expect(pgstacInstallFrom({ PGSTAC_MIGRATIONS_DIR: dir, PGSTAC_TARGET_VERSION: "1.0.0" }, problems)).toBeNull();
    expect(pgstacInstallFrom({ PGSTAC_MIGRATIONS_DIR: dir, PGSTAC_SQL_FILE: "x.sql" }, problems)).toBeNull();
    expect(problems).toEqual([
      expect.stringMatching(/^PGSTAC_MIGRATIONS_DIR: \/nonexistent is not a readable folder/),
      expect.stringMatching(/^PGSTAC_TARGET_VERSION: pgSTAC 1\.0\.0 is not in /),
      expect.stringMatching(/^PGSTAC_MIGRATIONS_DIR, PGSTAC_SQL_FILE: set one of them/),
    ]);
  });
});
