"use client";
import { Notice } from "@/components/ui/notice";

/** Any unexpected failure while rendering a console page: say so and offer a retry (the shell stays). */
export default function ConsoleError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <Notice title="Could not load this page" tone="error">
      <p>
        The server could not read what this page shows (the database may be busy or unreachable). Try again; if it keeps
        failing, check the Health page.{error.digest ? ` Reference: ${error.digest}.` : ""}
      </p>
      <button
        type="button"
        onClick={reset}
        className="mt-2 rounded border border-red-300 px-3 py-1 text-sm dark:border-red-800"
      >
        Try again
      </button>
    </Notice>
  );
}
