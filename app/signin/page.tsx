import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/guard";
import { getConfig } from "@/lib/config";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

/** Public: where a sign-in that could not go on, or a sign-out, lands. Fixed messages only. */
const MESSAGES: Record<string, string> = {
  signed_out: "You are signed out.",
  expired: "The sign-in took too long or was started in another browser. Sign in again.",
  state: "The sign-in response did not match this browser's request, so it was refused. Sign in again.",
  failed:
    "The sign-in could not be completed. Sign in again; if it keeps failing, ask an admin to check the server log.",
  unreachable: "The sign-in service cannot be reached right now. Retry in a moment.",
  not_configured: "Sign-in is not configured on this server",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ problem?: string }> }) {
  if (await getCurrentUser()) redirect("/");
  const { problem } = await searchParams;
  const cfg = getConfig();
  let message = problem ? MESSAGES[problem] : undefined;
  if (problem === "not_configured") message = `${MESSAGES.not_configured} (${cfg.authMissing ?? "see ENTRA_*"}).`;
  return (
    <main className="mx-auto mt-24 max-w-sm rounded-lg border border-slate-200 bg-white p-8 shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <h1 className="mb-4 text-xl font-semibold">GeoETL Admin Console</h1>
      {message ? (
        <p
          role={problem === "signed_out" ? "status" : "alert"}
          className="mb-6 text-sm text-slate-700 dark:text-slate-300"
          data-testid="signin-message"
        >
          {message}
        </p>
      ) : null}
      <Link
        href="/auth/sign-in"
        prefetch={false}
        className="block w-full rounded bg-sky-700 px-4 py-2 text-center font-medium text-white hover:bg-sky-800 focus-visible:outline-2 focus-visible:outline-offset-2"
      >
        Sign in with Microsoft Entra ID
      </Link>
    </main>
  );
}
