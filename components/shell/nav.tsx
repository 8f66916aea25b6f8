"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { CONSOLE_PAGES } from "@/lib/console-pages";

export const NAV_ITEMS = CONSOLE_PAGES;

export function Nav() {
  const path = usePathname();
  return (
    <nav aria-label="Main" className="flex flex-col gap-0.5">
      {NAV_ITEMS.map((item) => {
        const active = item.href === "/" ? path === "/" : path === item.href || path.startsWith(`${item.href}/`);
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={active ? "page" : undefined}
            className={`rounded px-3 py-1.5 text-sm ${active ? "bg-sky-100 font-medium text-sky-900 dark:bg-sky-900/40 dark:text-sky-100" : "text-slate-700 hover:bg-slate-200 dark:text-slate-300 dark:hover:bg-slate-800"}`}
          >
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
