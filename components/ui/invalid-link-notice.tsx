import Link from "next/link";
import { Notice } from "./notice";

/**
 * How every list page answers a link parameter it cannot read: the parameter is left out, the
 * rest of the view is shown, and this says which ones were dropped, with a way back to the plain view.
 */
export function InvalidLinkNotice({ invalid, clearHref }: { invalid: string[]; clearHref: string }) {
  if (invalid.length === 0) return null;
  return (
    <div className="mb-4" data-testid="invalid-link">
      <Notice title="Part of this link could not be read" tone="warning">
        <p>
          {invalid.length === 1 ? "The parameter " : "The parameters "}
          {invalid.map((k, i) => (
            <span key={k}>
              {i > 0 ? ", " : ""}
              <code className="font-mono">{k}</code>
            </span>
          ))}{" "}
          {invalid.length === 1 ? "has a value" : "have values"} this page does not accept, so{" "}
          {invalid.length === 1 ? "it was" : "they were"} left out of the view below.{" "}
          <Link href={clearHref} className="text-sky-700 underline dark:text-sky-400">
            Clear all filters
          </Link>
        </p>
      </Notice>
    </div>
  );
}
