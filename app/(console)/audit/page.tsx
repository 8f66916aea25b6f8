import { NotBuilt } from "@/components/ui/not-built";
import { requirePageRole } from "@/lib/auth/page";

export default async function Page() {
  // Pages guard themselves too: a client-side navigation renders the page without its layout.
  await requirePageRole("reader");
  return <NotBuilt title="Audit" what="Every attempted change, who made it and how it ended." />;
}
