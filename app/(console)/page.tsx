import { NotBuilt } from "@/components/ui/not-built";
import { requirePageRole } from "@/lib/auth/page";

export default async function OverviewPage() {
  // Pages guard themselves too: a client-side navigation renders the page without its layout.
  await requirePageRole("reader");
  return <NotBuilt title="Overview" what="Counts of jobs and tasks by status, failures and stuck tasks." />;
}
