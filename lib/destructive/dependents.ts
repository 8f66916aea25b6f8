import "server-only";
import type { PlanItem, Querier } from "./types";

/**
 * What DROP ... CASCADE would take along with a relation, from pg_depend: views and materialized
 * views built on it (and views on those, recursively), and every other object with a normal
 * dependency on it or on its row type (foreign keys from other tables, functions returning its
 * rows, policies...). The relation's own indexes, constraints, sequences and triggers are not
 * dependents: they are part of it.
 */
export async function relationDependents(q: Querier, oid: number): Promise<PlanItem[]> {
  const rows = await q<{ kind: string; name: string }>(
    `WITH RECURSIVE rels(oid) AS (
       SELECT $1::oid
       UNION
       SELECT r.ev_class
         FROM rels
         JOIN pg_catalog.pg_depend d ON d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = rels.oid AND d.deptype = 'n'
         JOIN pg_catalog.pg_rewrite r ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = r.oid
        WHERE r.ev_class <> rels.oid
     )
     SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE 'relation' END AS kind,
            format('%I.%I', n.nspname, c.relname) AS name
       FROM rels JOIN pg_catalog.pg_class c ON c.oid = rels.oid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE rels.oid <> $1
     UNION
     SELECT 'object', pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid)
       FROM rels
       JOIN pg_catalog.pg_class c ON c.oid = rels.oid
       JOIN pg_catalog.pg_depend d
         ON d.deptype = 'n'
        AND ((d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = rels.oid)
          OR (d.refclassid = 'pg_catalog.pg_type'::regclass AND d.refobjid = c.reltype))
      WHERE d.classid <> 'pg_catalog.pg_rewrite'::regclass
        AND NOT (d.classid = 'pg_catalog.pg_class'::regclass AND d.objid IN (SELECT oid FROM rels))
        AND NOT (d.classid = 'pg_catalog.pg_constraint'::regclass
                 AND EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.oid = d.objid AND k.conrelid IN (SELECT oid FROM rels)))
        AND NOT (d.classid = 'pg_catalog.pg_type'::regclass AND d.objid = c.reltype)
     ORDER BY 1, 2
     LIMIT 200`,
    [oid],
  );
  return rows.map((r) => ({ kind: r.kind, name: r.name }));
}

/** What DROP SCHEMA ... CASCADE would take outside the schema: objects elsewhere that depend on objects in it. */
export async function schemaDependents(q: Querier, schema: string): Promise<PlanItem[]> {
  const rows = await q<{ kind: string; name: string }>(
    `WITH inside AS (
       SELECT 'pg_catalog.pg_class'::regclass AS classid, c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1
       UNION ALL
       SELECT 'pg_catalog.pg_type'::regclass, t.oid FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = $1
       UNION ALL
       SELECT 'pg_catalog.pg_proc'::regclass, p.oid FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1
     ),
     deps AS (
       SELECT DISTINCT CASE WHEN d.classid = 'pg_catalog.pg_rewrite'::regclass THEN 'pg_catalog.pg_class'::regclass ELSE d.classid END AS classid,
              CASE WHEN d.classid = 'pg_catalog.pg_rewrite'::regclass THEN r.ev_class ELSE d.objid END AS objid,
              CASE WHEN d.classid = 'pg_catalog.pg_rewrite'::regclass THEN 0 ELSE d.objsubid END AS objsubid
         FROM inside i
         JOIN pg_catalog.pg_depend d ON d.refclassid = i.classid AND d.refobjid = i.oid AND d.deptype = 'n'
         LEFT JOIN pg_catalog.pg_rewrite r ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND r.oid = d.objid
     )
     SELECT 'object' AS kind, pg_catalog.pg_describe_object(classid, objid, objsubid) AS name
       FROM deps
      WHERE (pg_catalog.pg_identify_object(classid, objid, objsubid)).schema IS DISTINCT FROM $1
      ORDER BY 2
      LIMIT 200`,
    [schema],
  );
  return rows.map((r) => ({ kind: r.kind, name: r.name }));
}
