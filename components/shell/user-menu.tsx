import type { User } from "@/lib/auth/permissions";
import { SignOutButton } from "./sign-out-button";

export function UserMenu({ user }: { user: User }) {
  return (
    <div className="flex items-center gap-3 text-sm" data-testid="user-menu">
      <span title={user.username}>
        <span className="font-medium">{user.name}</span>{" "}
        <span
          className={`ml-1 rounded px-1.5 py-0.5 text-xs font-semibold uppercase ${user.role === "admin" ? "bg-amber-100 text-amber-900 dark:bg-amber-900/40 dark:text-amber-100" : "bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300"}`}
          data-testid="user-role"
        >
          {user.role ?? "no role"}
        </span>
      </span>
      <SignOutButton />
    </div>
  );
}
