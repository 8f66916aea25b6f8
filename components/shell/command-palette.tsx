"use client";
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useId, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from "react";
import { KIND_LABELS, searchQueryOptions, type SearchKind, type SearchResult } from "./search-query";

/**
 * "Find anything": Ctrl+K / Cmd+K (or the header button) opens a modal dialog with a combobox.
 * Typing searches GET /api/search (debounced); ↑/↓ move through the results, grouped by kind,
 * Enter opens the active one, Escape closes and gives focus back to where it was. Mounted once,
 * in the console layout, so every page has it.
 */
const DEBOUNCE_MS = 150;
const MAX_CHARS = 100;

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

export function CommandPalette() {
  const router = useRouter();
  const qc = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const returnFocus = useRef<HTMLElement | null>(null);
  const latestText = useRef("");
  const [open, setOpen] = useState(false);
  const [text, setText] = useState("");
  const [active, setActive] = useState(0);
  const [early, setEarly] = useState<{ q: string; failed?: string } | null>(null);
  const base = useId();
  const ids = { title: `${base}-title`, input: `${base}-input`, list: `${base}-list`, hint: `${base}-hint` };
  const optionId = (i: number) => `${base}-opt-${i}`;

  const wanted = text.trim();
  const q = useDebounced(wanted, DEBOUNCE_MS);
  const search = useQuery({
    ...searchQueryOptions(q),
    enabled: open && q.length > 0,
    placeholderData: keepPreviousData,
  });
  // What the list shows: the answer for the text as typed (or, while the next one loads, the previous answer).
  const results: SearchResult[] = wanted && search.data ? search.data : [];
  const fresh = !!wanted && q === wanted && search.isSuccess && !search.isPlaceholderData;
  const activeIndex = results.length ? Math.min(active, results.length - 1) : -1;

  const show = useCallback(() => {
    const d = dialog.current;
    if (!d) return;
    if (!d.open) {
      returnFocus.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      d.showModal();
      setOpen(true);
    }
    input.current?.focus();
    input.current?.select();
  }, []);

  const hide = useCallback((restoreFocus: boolean) => {
    if (dialog.current?.open) dialog.current.close();
    setOpen(false);
    setEarly(null);
    const back = returnFocus.current;
    returnFocus.current = null;
    if (restoreFocus && back?.isConnected) back.focus();
  }, []);

  // Ctrl+K / Cmd+K anywhere on the page.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === "k") {
        e.preventDefault();
        show();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [show]);

  // Keep the active option in view.
  useEffect(() => {
    if (activeIndex >= 0) document.getElementById(`${base}-opt-${activeIndex}`)?.scrollIntoView({ block: "nearest" });
  }, [activeIndex, base]);

  const go = (r: SearchResult) => {
    hide(false);
    router.push(r.href);
  };

  // Enter before the answer for the typed text has arrived: ask for it now, then open its first result.
  const enterEarly = async (typed: string) => {
    setEarly({ q: typed });
    try {
      const rs = await qc.fetchQuery(searchQueryOptions(typed));
      if (latestText.current.trim() !== typed || !dialog.current?.open) return;
      if (rs[0]) go(rs[0]);
      else setEarly(null);
    } catch (err) {
      if (latestText.current.trim() === typed) setEarly({ q: typed, failed: (err as Error).message });
    }
  };

  const onKeyDown = (e: ReactKeyboardEvent<HTMLInputElement>) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (!results.length) return;
      const step = e.key === "ArrowDown" ? 1 : -1;
      setActive((activeIndex + step + results.length) % results.length);
    } else if (e.key === "Home" && results.length && e.ctrlKey) {
      e.preventDefault();
      setActive(0);
    } else if (e.key === "End" && results.length && e.ctrlKey) {
      e.preventDefault();
      setActive(results.length - 1);
    } else if (e.key === "Enter") {
      e.preventDefault();
      if (fresh && activeIndex >= 0) go(results[activeIndex]);
      else if (wanted && !fresh) void enterEarly(wanted);
    } else if (e.key === "Escape") {
      e.preventDefault();
      hide(true);
    }
  };

  // Results grouped by kind, keeping each result's position in the flat list (the active index).
  const groups: { kind: SearchKind; items: { r: SearchResult; i: number }[] }[] = [];
  results.forEach((r, i) => {
    const last = groups[groups.length - 1];
    if (last?.kind === r.kind) last.items.push({ r, i });
    else groups.push({ kind: r.kind, items: [{ r, i }] });
  });

  const error = early?.failed ?? (wanted && q === wanted && search.isError ? search.error.message : null);
  const status = !wanted
    ? "Type a job or task id, an error message, a layer name or title, a STAC item id or a page name."
    : error
      ? ""
      : !fresh
        ? "Searching…"
        : results.length === 0
          ? "No matches"
          : `${results.length} ${results.length === 1 ? "result" : "results"}`;
  const expanded = results.length > 0;

  return (
    <>
      <button
        type="button"
        onClick={show}
        aria-haspopup="dialog"
        aria-keyshortcuts="Control+K Meta+K"
        className="flex items-center gap-2 rounded border border-slate-300 px-3 py-1 text-sm text-slate-700 hover:bg-slate-100 dark:border-slate-700 dark:text-slate-300 dark:hover:bg-slate-800"
        data-testid="palette-button"
      >
        <span aria-hidden="true">⌕</span>
        Search <span className="text-xs text-slate-600 dark:text-slate-400">(Ctrl+K)</span>
      </button>
      <dialog
        ref={dialog}
        aria-labelledby={ids.title}
        onCancel={(e) => {
          e.preventDefault();
          hide(true);
        }}
        onClose={() => open && hide(false)}
        onClick={(e) => e.target === dialog.current && hide(true)}
        className="mx-auto mt-[12vh] max-h-[76vh] w-full max-w-2xl scroll-pt-16 overflow-y-auto rounded-lg border border-slate-300 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-950/60 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
        data-testid="command-palette"
      >
        <h2 id={ids.title} className="sr-only">
          Search the console
        </h2>
        <div className="sticky top-0 z-10 border-b border-slate-200 bg-white p-3 dark:border-slate-700 dark:bg-slate-900">
          <label htmlFor={ids.input} className="sr-only">
            Search jobs, tasks, failure groups, layers, STAC items and pages
          </label>
          <input
            ref={input}
            id={ids.input}
            type="text"
            role="combobox"
            aria-expanded={expanded}
            aria-controls={expanded ? ids.list : undefined}
            aria-activedescendant={activeIndex >= 0 ? optionId(activeIndex) : undefined}
            aria-autocomplete="list"
            aria-describedby={ids.hint}
            autoComplete="off"
            spellCheck={false}
            maxLength={MAX_CHARS}
            placeholder="Job or task id, error, layer, STAC item, page…"
            value={text}
            onChange={(e) => {
              latestText.current = e.target.value;
              setText(e.target.value);
              setActive(0);
              setEarly(null);
            }}
            onKeyDown={onKeyDown}
            className="w-full rounded border border-slate-300 bg-white px-3 py-2 text-sm placeholder:text-slate-500 dark:border-slate-600 dark:bg-slate-950 dark:placeholder:text-slate-400"
          />
          <p id={ids.hint} className="mt-1.5 text-xs text-slate-600 dark:text-slate-400">
            ↑ ↓ to move, Enter to open, Esc to close
          </p>
        </div>

        {expanded ? (
          <div id={ids.list} role="listbox" aria-label="Search results" className="py-1" data-testid="palette-results">
            {groups.map((g) => (
              <div key={g.kind} role="group" aria-labelledby={`${base}-group-${g.kind}`}>
                <div
                  id={`${base}-group-${g.kind}`}
                  className="px-4 pb-1 pt-3 text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400"
                >
                  {KIND_LABELS[g.kind]}
                </div>
                {g.items.map(({ r, i }) => (
                  <div
                    key={`${r.kind}:${r.id}:${i}`}
                    id={optionId(i)}
                    role="option"
                    aria-selected={i === activeIndex}
                    data-kind={r.kind}
                    data-href={r.href}
                    onMouseDown={(e) => e.preventDefault()}
                    onMouseMove={() => i !== activeIndex && setActive(i)}
                    onClick={() => go(r)}
                    className={`mx-2 cursor-pointer rounded px-2 py-1.5 text-sm ${i === activeIndex ? "bg-sky-100 text-sky-900 dark:bg-sky-900/60 dark:text-sky-50" : "text-slate-800 dark:text-slate-200"}`}
                  >
                    <span
                      className={`block truncate ${r.kind === "job" || r.kind === "task" || r.kind === "stac_item" || r.kind === "failure" ? "font-mono text-xs" : "font-medium"}`}
                    >
                      {r.title}
                    </span>
                    {r.subtitle ? (
                      <span
                        className={`block truncate text-xs ${i === activeIndex ? "text-sky-900 dark:text-sky-100" : "text-slate-600 dark:text-slate-400"}`}
                      >
                        {r.subtitle}
                      </span>
                    ) : null}
                  </div>
                ))}
              </div>
            ))}
          </div>
        ) : null}

        <p
          role="status"
          className={`px-4 py-2 text-sm text-slate-600 dark:text-slate-400 ${expanded && fresh ? "sr-only" : ""}`}
          data-testid="palette-status"
        >
          {status}
        </p>
        {error ? (
          <p role="alert" className="px-4 pb-3 text-sm text-red-700 dark:text-red-400" data-testid="palette-error">
            Search failed: {error}
          </p>
        ) : null}
      </dialog>
    </>
  );
}
