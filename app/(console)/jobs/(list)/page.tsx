import { JobsView } from "@/components/jobs/jobs-view";
import { InvalidLinkNotice } from "@/components/ui/invalid-link-notice";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/page";
import { countJobs, jobFilterFromParams, listJobs, listJobTypes } from "@/lib/db/jobs";
import { jobsUrl } from "@/lib/url-state/jobs";
import { loadForUrlState, orUndefined } from "@/lib/url-state/load";
import { readUrlState } from "@/lib/url-state/parsers";
import type { Metadata } from "next";

export const metadata: Metadata = { title: "Jobs" };

export const dynamic = "force-dynamic";

type SP = Promise<Record<string, string | string[] | undefined>>;

export default async function JobsPage({ searchParams }: { searchParams: SP }) {
  // Pages guard themselves too: a client-side navigation renders the page without its layout.
  await requirePageRole("reader");
  const { data, state } = await loadForUrlState(readUrlState(jobsUrl, await searchParams), (v) => {
    const filter = jobFilterFromParams({ ...orUndefined(v), sort: v.sort, limit: v.limit });
    return Promise.all([listJobs(filter), countJobs(filter), listJobTypes()]);
  });
  const [page, total, jobTypes] = data;
  return (
    <>
      <PageHeader title="Jobs" />
      <InvalidLinkNotice invalid={state.invalid} clearHref="/jobs" />
      <JobsView
        state={state.values}
        jobTypes={jobTypes}
        initial={{ ...page, total: total.value, total_exact: total.exact }}
      />
    </>
  );
}
