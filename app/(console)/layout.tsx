import Link from "next/link";
import type { ReactNode } from "react";
import { CommandPalette } from "@/components/shell/command-palette";
import { Nav } from "@/components/shell/nav";
import { ThemeToggle } from "@/components/shell/theme-toggle";
import { UserMenu } from "@/components/shell/user-menu";
import { Notice } from "@/components/ui/notice";
import { requirePageRole } from "@/lib/auth/page";
import { checkDatabase } from "@/lib/db/health";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const user = await requirePageRole("reader");
  const db = await checkDatabase();
  return (
    <div className="flex min-h-screen">
      {/* The first stop of Tab: past the navigation and header to the page itself. */}
      <a
        href="#main"
        className="sr-only z-50 rounded bg-sky-800 px-3 py-2 text-sm font-medium text-white focus:not-sr-only focus:fixed focus:left-2 focus:top-2"
      >
        Skip to content
      </a>
      <aside className="w-52 shrink-0 border-r border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
        <Link href="/" className="mb-6 block text-base font-semibold">
          GeoETL Console
        </Link>
        <Nav />
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex items-center justify-end gap-4 border-b border-slate-200 bg-white px-6 py-2 dark:border-slate-800 dark:bg-slate-900">
          <CommandPalette />
          <ThemeToggle />
          <UserMenu user={user} />
        </header>
        <main id="main" tabIndex={-1} className="min-w-0 flex-1 p-6 focus:outline-none">
          {db.ok ? (
            children
          ) : (
            <Notice title="Database unavailable" tone="error">
              <p data-testid="db-unavailable">
                The console cannot reach its PostgreSQL database ({db.reason}). Check that the server is running and
                that DATABASE_URL points at it, then reload this page.
              </p>
            </Notice>
          )}
        </main>
      </div>
    </div>
  );
}
