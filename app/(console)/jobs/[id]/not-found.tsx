import Link from "next/link";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";

/** /jobs/<unknown id>: a real 404 inside the console, with a way back. */
export default function JobNotFound() {
  return (
    <>
      <PageHeader title="Job not found" />
      <Notice title="There is no job with this id" tone="warning">
        <p data-testid="job-not-found">
          It may have been cleaned up (maintenance cleanup removes old jobs), or the id in the link is wrong or cut
          short.{" "}
          <Link href="/jobs" className="text-sky-700 underline dark:text-sky-400">
            Search the jobs list
          </Link>{" "}
          (the id filter matches the start of an id).
        </p>
      </Notice>
    </>
  );
}
