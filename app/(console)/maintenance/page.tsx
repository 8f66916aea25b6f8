import Link from "next/link";
import type { ReactNode } from "react";
import { z } from "zod";
import { OperationButton } from "@/components/destructive/operation-button";
import { formatDate } from "@/lib/format";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/page";
import { canMutate } from "@/lib/auth/permissions";
import { getConfig } from "@/lib/config";
import { recentOperationRuns, runningOperations } from "@/lib/destructive/pipeline";
import { pgstacInfo } from "@/lib/db/overview";
import { verifySchemas } from "@/lib/db/verify";
import { pgstacInstallLabel } from "@/lib/pgstac/config";
import type { Metadata } from "next";

export const metadata: Metadata = { title: "Maintenance" };

export const dynamic = "force-dynamic";

const Params = z.object({
  days: z
    .string()
    .regex(/^\d{1,5}$/)
    .refine((d) => Number(d) >= 1)
    .optional()
    .catch(undefined),
});

function Card({ title, children, action }: { title: string; children: ReactNode; action?: ReactNode }) {
  return (
    <section
      aria-label={title}
      className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 className="text-base font-semibold">{title}</h2>
      <div className="text-sm text-slate-700 dark:text-slate-300">{children}</div>
      {action ? <div>{action}</div> : null}
    </section>
  );
}

/**
 * Maintenance: schema verification for everyone; for admins, the pipeline's maintenance
 * operations, each through the destructive pipeline's dialog (plan, typed confirmation, audit).
 */
export default async function MaintenancePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  // Pages guard themselves too: a client-side navigation renders the page without its layout.
  const user = await requirePageRole("reader");
  const p = Params.parse(await searchParams);
  const days = p.days ?? "30";
  const cfg = getConfig();
  const admin = canMutate(user);
  const [verify, running, runs, pgstac] = await Promise.all([
    verifySchemas(),
    runningOperations(),
    recentOperationRuns(10),
    pgstacInfo(),
  ]);
  const install = cfg.pgstacInstall;
  const schemaOps = admin && cfg.allowDestructiveMaintenance;
  const disabledNote =
    admin && !cfg.allowDestructiveMaintenance ? (
      <p className="text-xs text-slate-600 dark:text-slate-400">
        Switched off on this server (development only): set ALLOW_DESTRUCTIVE_MAINTENANCE=true to enable.
      </p>
    ) : null;

  return (
    <>
      <PageHeader title="Maintenance" />
      {running.length ? (
        <div className="mb-4">
          <Notice title="Running now" tone="warning">
            <ul data-testid="running-operations">
              {running.map((r) => (
                <li key={r.id}>
                  {r.action}
                  {r.target ? ` (${r.target})` : ""}, started by {r.actor} {formatDate(r.started_at)}: step {r.step} of{" "}
                  {r.steps_total}
                  {r.step_label ? `, ${r.step_label}` : ""}
                </li>
              ))}
            </ul>
          </Notice>
        </div>
      ) : null}

      <section aria-labelledby="verify-heading" className="mb-6">
        <h2 id="verify-heading" className="mb-2 text-lg font-semibold">
          Schema verification{" "}
          <span
            className={`ml-2 rounded-full px-2 py-0.5 text-xs font-semibold ${verify.ok ? "bg-emerald-100 text-emerald-900 dark:bg-emerald-900/40 dark:text-emerald-200" : "bg-amber-100 text-amber-900 dark:bg-amber-900/40 dark:text-amber-200"}`}
          >
            {verify.ok ? "all checks ok" : `${verify.checks.filter((c) => !c.ok).length} failed`}
          </span>
        </h2>
        <ul
          className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white text-sm dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900"
          data-testid="verify-checks"
        >
          {verify.checks.map((c) => (
            <li key={c.id} className="flex gap-3 px-3 py-2">
              <span
                className={`w-14 shrink-0 font-semibold ${c.ok ? "text-emerald-800 dark:text-emerald-300" : "text-red-800 dark:text-red-300"}`}
              >
                {c.ok ? "ok" : "failed"}
              </span>
              <span className="font-medium">{c.label}</span>
              <span className="text-slate-600 dark:text-slate-400">
                {c.detail}
                {c.expectation ? (
                  <span className="mt-0.5 block text-xs text-slate-500 dark:text-slate-400">
                    Expected: {c.expectation}
                  </span>
                ) : null}
              </span>
            </li>
          ))}
        </ul>
        <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">
          Also as JSON: <code>GET /api/dbadmin/maintenance/verify</code>
        </p>
      </section>

      {!admin ? (
        <Notice title="Read-only">
          <p>
            Maintenance operations need the admin role. You can see their status and history here and on the audit log.
          </p>
        </Notice>
      ) : (
        <div className="grid gap-4 lg:grid-cols-2">
          <Card
            title="Clean up old jobs"
            action={
              <OperationButton operation="cleanup" params={{ days }} label={`Clean up jobs older than ${days} days`} />
            }
          >
            <p className="mb-2">
              Deletes completed jobs last updated more than N days ago, and their tasks, in batches. Geo layers and STAC
              are not touched.
            </p>
            <form method="get" action="/maintenance" className="flex items-end gap-2">
              <label className="flex flex-col text-xs font-medium">
                Days
                <input
                  name="days"
                  type="number"
                  min={1}
                  max={36500}
                  defaultValue={days}
                  className="w-24 rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-950"
                />
              </label>
              <button
                type="submit"
                className="rounded border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800"
              >
                Set
              </button>
            </form>
          </Card>
          <Card
            title="Audit log retention"
            action={
              <OperationButton
                operation="audit-retention"
                params={{}}
                label={`Drop audit months older than ${cfg.auditRetentionMonths} months`}
              />
            }
          >
            <p>
              The audit log is append-only and kept by month: whole months that ended more than{" "}
              {cfg.auditRetentionMonths} months ago (AUDIT_RETENTION_MONTHS) are detached and dropped, never deleted row
              by row. This operation is audited too.
            </p>
          </Card>
          <Card
            title="Redeploy the app schema"
            action={
              schemaOps ? <OperationButton operation="redeploy" params={{}} label="Redeploy app" /> : disabledNote
            }
          >
            <p>
              Drops schema app (jobs, tasks, API requests, janitor runs) and creates it again, empty. geo, h3 and
              console are never touched.
            </p>
          </Card>
          <Card
            title="Redeploy pgSTAC"
            action={
              schemaOps ? (
                <OperationButton operation="pgstac-redeploy" params={{}} label="Redeploy pgSTAC" />
              ) : (
                disabledNote
              )
            }
          >
            <p>
              Drops pgstac (every collection and item) and reinstalls it with what this server is configured to use:{" "}
              {pgstacInstallLabel(install)}.
            </p>
          </Card>
          <Card
            title="Migrate pgSTAC"
            action={
              install?.kind === "dir" ? (
                <OperationButton operation="pgstac-migrate" params={{}} label="Migrate pgSTAC" />
              ) : (
                <p className="text-xs text-slate-600 dark:text-slate-400">
                  Needs PGSTAC_MIGRATIONS_DIR (pypgstac&apos;s migrations folder) on this server.
                </p>
              )
            }
          >
            <p data-testid="pgstac-migrate-status">
              Upgrades pgSTAC in place, as <code>pypgstac migrate</code> does, keeping every collection and item.
              Installed: <strong>{pgstac.label}</strong>. Releases: {pgstacInstallLabel(install)}.
            </p>
          </Card>
          <Card
            title="Full rebuild (app + pgSTAC)"
            action={
              schemaOps ? <OperationButton operation="full-rebuild" params={{}} label="Full rebuild" /> : disabledNote
            }
          >
            <p>
              In one transaction: drop app and pgstac, deploy both, create the system STAC collections, verify both.
            </p>
          </Card>
          <Card
            title="Clear STAC"
            action={
              schemaOps ? (
                <div className="flex gap-2">
                  <OperationButton operation="stac-nuke" params={{ mode: "items" }} label="Clear STAC items" />
                  <OperationButton operation="stac-nuke" params={{ mode: "all" }} label="Clear all STAC" />
                </div>
              ) : (
                disabledNote
              )
            }
          >
            <p>Deletes every STAC item (or every item and collection). Geo layers keep their metadata.</p>
          </Card>
        </div>
      )}

      <section aria-labelledby="runs-heading" className="mt-6">
        <h2 id="runs-heading" className="mb-2 text-lg font-semibold">
          Recent operations
        </h2>
        {runs.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">None yet.</p>
        ) : (
          <ul
            className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white text-sm dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900"
            data-testid="operation-runs"
          >
            {runs.map((r) => (
              <li key={r.id} className="flex flex-wrap gap-3 px-3 py-2">
                <span className="w-20 shrink-0 font-semibold">{r.status}</span>
                <span className="font-mono text-xs">{r.action}</span>
                <span>{r.target ?? ""}</span>
                <span className="text-slate-600 dark:text-slate-400">
                  {r.actor}, {formatDate(r.started_at)}
                </span>
              </li>
            ))}
          </ul>
        )}
        <p className="mt-2 text-sm">
          <Link className="text-sky-800 underline dark:text-sky-300" href="/audit?action=maintenance.">
            Audit log of maintenance →
          </Link>
        </p>
      </section>
    </>
  );
}
