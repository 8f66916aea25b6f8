import Link from "next/link";
import { SignOutButton } from "@/components/shell/sign-out-button";
import { getCurrentUser } from "@/lib/auth/guard";

/**
 * 403. Two cases: a reader opening an admin page, and an account signed in without any of the
 * console's app roles ("no access": say which account, offer sign-out, never loop to sign-in).
 */
export default async function Forbidden() {
  const user = await getCurrentUser().catch(() => null);
  const noRole = !!user && !user.role;
  return (
    <main className="mx-auto mt-24 max-w-md p-8 text-center">
      <h1 className="text-2xl font-semibold">{noRole ? "403 · No access" : "403 · Not allowed"}</h1>
      {noRole ? (
        <>
          <p className="mt-2 text-slate-700 dark:text-slate-300" data-testid="no-access">
            You are signed in as <strong>{user.name}</strong>
            {user.username ? ` (${user.username})` : ""}, but this account has no role in the GeoETL console. Ask an
            admin to assign you the reader or admin app role, then sign in again.
          </p>
          <div className="mt-4 flex justify-center">
            <SignOutButton className="rounded bg-sky-700 px-4 py-2 font-medium text-white hover:bg-sky-800" />
          </div>
        </>
      ) : (
        <>
          <p className="mt-2 text-slate-700 dark:text-slate-300">
            Your role cannot open this page. Ask an admin if you need it.
          </p>
          <Link href="/" className="mt-4 inline-block text-sky-700 underline dark:text-sky-400">
            Back to the overview
          </Link>
        </>
      )}
    </main>
  );
}
