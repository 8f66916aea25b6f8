/** A plain form POST: the route clears the session and hands over to the authority's sign-out. */
export function SignOutButton({ className }: { className?: string }) {
  return (
    <form action="/auth/sign-out" method="post">
      <button type="submit" className={className ?? "rounded px-2 py-1 hover:bg-slate-200 dark:hover:bg-slate-800"}>
        Sign out
      </button>
    </form>
  );
}
