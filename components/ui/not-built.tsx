import { Notice } from "./notice";
import { PageHeader } from "./page-header";

/** Said plainly on pages whose capability has not been built yet. */
export function NotBuilt({ title, what }: { title: string; what: string }) {
  return (
    <>
      <PageHeader title={title} />
      <Notice title="Not built yet">
        <p>{what} This page is planned; nothing here reads or changes the database yet.</p>
      </Notice>
    </>
  );
}
