import Link from "next/link";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";

/** /failures/<unknown key>: a real 404 with a way back. */
export default function FailureGroupNotFound() {
  return (
    <>
      <PageHeader title="Failure group not found" />
      <Notice title="There is no failure group with this key" tone="warning">
        <p data-testid="failure-group-not-found">
          The failures it held may have been retried or cleaned up and the index refreshed since the link was made, or
          the key is cut short.{" "}
          <Link href="/failures" className="text-sky-700 underline dark:text-sky-400">
            See the current groups
          </Link>
          .
        </p>
      </Notice>
    </>
  );
}
