import Link from "next/link";
import { JobsView } from "@/components/jobs/jobs-view";
import { DEFAULT_PAGE_SIZE, stateFromParams } from "@/components/jobs/url-state";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import { AppError } from "@/lib/api/errors";
import { badRequestFrom } from "@/lib/api/respond";
import { requirePageRole } from "@/lib/auth/page";
import { countJobs, jobFilterFromParams, listJobs, listJobTypes } from "@/lib/db/jobs";
import { flattenSearchParams, jobListSchema } from "@/lib/db/jobs-params";

export const dynamic = "force-dynamic";

type SP = Promise<Record<string, string | string[] | undefined>>;

export default async function JobsPage({ searchParams }: { searchParams: SP }) {
  // Pages guard themselves too: a client-side navigation renders the page without its layout.
  await requirePageRole("reader");
  const raw = flattenSearchParams(await searchParams);
  raw.limit ??= String(DEFAULT_PAGE_SIZE);
  const parsed = jobListSchema.safeParse(raw);
  if (!parsed.success) return <BadLink message={badRequestFrom(parsed.error).message} />;
  const params = { ...parsed.data, limit: Math.min(parsed.data.limit, 100) };
  const filter = jobFilterFromParams(params);
  let data;
  try {
    data = await Promise.all([listJobs(filter), countJobs(filter), listJobTypes()]);
  } catch (err) {
    if (err instanceof AppError && err.code === "bad_request") return <BadLink message={err.message} />;
    throw err;
  }
  const [page, total, jobTypes] = data;
  return (
    <>
      <PageHeader title="Jobs" />
      <JobsView
        state={stateFromParams(params)}
        jobTypes={jobTypes}
        initial={{ ...page, total: total.value, total_exact: total.exact }}
      />
    </>
  );
}

function BadLink({ message }: { message: string }) {
  return (
    <>
      <PageHeader title="Jobs" />
      <Notice title="This link's filter is not valid" tone="error">
        <p>{message}</p>
        <p className="mt-2">
          <Link href="/jobs" className="text-sky-700 underline dark:text-sky-400">
            Show all jobs
          </Link>
        </p>
      </Notice>
    </>
  );
}
