"use client";

/** Flips light/dark and remembers the choice in a cookie the root layout reads. */
export function ThemeToggle() {
  function toggle() {
    const root = document.documentElement;
    const next = root.classList.contains("dark") ? "light" : "dark";
    root.classList.remove("light", "dark");
    root.classList.add(next);
    document.cookie = `theme=${next}; path=/; max-age=31536000; samesite=lax`;
  }
  return (
    // The visible words are the button's name (axe label-content-name-mismatch): it says which
    // theme a press switches to.
    <button
      type="button"
      onClick={toggle}
      className="rounded px-2 py-1 text-sm hover:bg-slate-200 dark:hover:bg-slate-800"
      data-testid="theme-toggle"
    >
      <span className="dark:hidden">
        <span aria-hidden="true">☾ </span>Dark theme
      </span>
      <span className="hidden dark:inline">
        <span aria-hidden="true">☀ </span>Light theme
      </span>
    </button>
  );
}
