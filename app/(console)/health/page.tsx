import Link from "next/link";
import { HealthView } from "@/components/health/health-view";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import { AppError } from "@/lib/api/errors";
import { badRequestFrom } from "@/lib/api/respond";
import { requirePageRole } from "@/lib/auth/page";
import { canMutate } from "@/lib/auth/permissions";
import { healthReport, type HealthReport } from "@/lib/db/health-report";
import { healthParams } from "@/lib/db/health-params";
import type { Metadata } from "next";

export const metadata: Metadata = { title: "Database health" };

export const dynamic = "force-dynamic";

type SP = Promise<Record<string, string | string[] | undefined>>;

/**
 * Database health for readers and admins: connections, long-running queries, locks, sizes, vacuum,
 * slow queries, the console's pools, TLS, replication, the server. The first payload is rendered
 * here (health pool), then the page refreshes itself through GET /api/dbadmin/health. Admins get
 * cancel / terminate, through the destructive pipeline.
 */
export default async function HealthPage({ searchParams }: { searchParams: SP }) {
  // Pages guard themselves too: a client-side navigation renders the page without its layout.
  const user = await requirePageRole("reader");
  const raw = await searchParams;
  const parsed = healthParams.safeParse({
    long_query_seconds: typeof raw.long_query_seconds === "string" ? raw.long_query_seconds : undefined,
  });
  if (!parsed.success) {
    return (
      <>
        <PageHeader title="Health" />
        <Notice title="This link's threshold is not valid" tone="error">
          <p>{badRequestFrom(parsed.error).message}</p>
          <p className="mt-2">
            <Link href="/health" className="text-sky-700 underline dark:text-sky-400">
              Use the default threshold
            </Link>
          </p>
        </Notice>
      </>
    );
  }
  const longQuerySeconds = parsed.data.long_query_seconds ?? null;
  let initial: HealthReport | null = null;
  let initialError: string | null = null;
  try {
    initial = await healthReport({ longQuerySeconds: longQuerySeconds ?? undefined });
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    initialError = err.message;
  }
  return (
    <>
      <PageHeader title="Health" />
      <HealthView
        initial={initial}
        initialError={initialError}
        admin={canMutate(user)}
        longQuerySeconds={longQuerySeconds}
      />
    </>
  );
}
