"use client";
import { useState } from "react";

/**
 * What a text filter field shows: the person's typing until they apply it, and the URL's value
 * again whenever the URL changes under it (Back, a link, "Clear"). A plain useState(initial)
 * kept the old text after Back, because the form stays mounted across those navigations.
 */
export function useUrlDraft(urlValue: string): [string, (v: string) => void] {
  const [draft, setDraft] = useState(urlValue);
  const [seen, setSeen] = useState(urlValue);
  if (seen !== urlValue) {
    // Adjusting state while rendering (React's pattern for "reset when a prop changes").
    setSeen(urlValue);
    setDraft(urlValue);
  }
  return [draft, setDraft];
}
