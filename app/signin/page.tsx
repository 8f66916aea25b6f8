import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/guard";
import { getConfig } from "@/lib/config";
import { LocalSignInForm } from "./local-signin-form";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  if (await getCurrentUser()) redirect("/");
  const { next } = await searchParams;
  const cfg = getConfig();
  return (
    <main className="mx-auto mt-24 max-w-sm rounded-lg border border-slate-200 bg-white p-8 shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <h1 className="mb-1 text-xl font-semibold">GeoETL Admin Console</h1>
      {cfg.localAuth.enabled ? (
        <>
          <p className="mb-6 text-sm text-slate-600 dark:text-slate-400">Local development sign-in. Choose who you are; nothing is checked.</p>
          <LocalSignInForm next={next} />
        </>
      ) : (
        <p className="text-sm text-slate-600 dark:text-slate-400" role="status">
          Sign-in with Microsoft Entra ID is not configured on this server yet ({cfg.localAuth.refusal}; local sign-in is off).
        </p>
      )}
    </main>
  );
}
