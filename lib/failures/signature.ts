import { createHash } from "node:crypto";

/**
 * Error text → a stable group key, the way error trackers group exceptions: the variable parts of
 * a message (numbers, ids, UUIDs, hex, quoted values, file and blob paths, URLs, timestamps) are
 * replaced by placeholders and the error class and the message's shape are kept. Pure and
 * bounded: any string gives a key without throwing, and only the first and last EXCERPT
 * characters are ever read (lib/failures/rollup.ts fetches exactly that excerpt from SQL).
 */
export interface Signature {
  /** 16 hex characters of sha256(template): the group's id in URLs and the API. */
  key: string;
  /** The normalised message, e.g. `Blob not found: <path>`. */
  template: string;
  /** The exception class when the text names one (`psycopg.errors.UniqueViolation`), else null. */
  errorClass: string | null;
}

/** Characters read from each end of a long text (a traceback's exception line is at its end). */
export const EXCERPT = 4000;
/** The longest template kept: longer messages are cut (the shape is in the first part). */
const TEMPLATE_MAX = 300;
/** Characters of the message line normalised: keeps every rule's work small whatever the input. */
const LINE_MAX = 1000;
/** A longer "class name" is not one (it is normalised with the rest of the line). */
const CLASS_MAX = 120;

/** The part of a text the signature depends on: all of it, or its head and tail when long. */
export function excerpt(text: string): string {
  return text.length > 2 * EXCERPT ? `${text.slice(0, EXCERPT)}\n${text.slice(-EXCERPT)}` : text;
}

// Order matters: wider patterns first, so a URL is not read as a path and a path holding a UUID
// or a date stays one path. A single quote opens a quoted value only after a non-word character
// (so "can't" and "won't" are words, not quotes).
const RULES: readonly [RegExp, string][] = [
  [/\b[a-z][a-z0-9+.-]{1,15}:\/\/[^\s"'<>]+/gi, "<url>"],
  [/"[^"\n]{0,500}"|(?<!\w)'[^'\n]{0,500}'(?!\w)|`[^`\n]{0,500}`/g, "<q>"],
  // Paths: /a/b, a/b/c, C:\a\b, container/blob.tif (at least one separator between name parts).
  [/(?:[A-Za-z]:)?(?:[\\/]?[\w.~%@$-]+)?(?:[\\/][\w.~%@$-]+)+[\\/]?/g, "<path>"],
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?/g, "<ts>"],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<uuid>"],
  [/\b0x[0-9a-f]+\b/gi, "<hex>"],
  // Opaque tokens (hashes, request ids, base64): long, holding a letter and a digit.
  [/\b(?=[\w+=-]*\d)(?=[\w+=-]*[A-Za-z])[\w+=-]{16,}\b/g, "<id>"],
  // Hex runs (short commit hashes too): holding a digit and a letter a-f.
  [/\b(?=[0-9a-f]*\d)(?=\d*[a-f])[0-9a-f]{7,}\b/gi, "<hex>"],
  [/\d+(?:\.\d+)*/g, "<n>"],
];

const TRACEBACK = "Traceback (most recent call last):";
// A Python frame line: `  File "...", line 12, in handler` (the function name is kept).
const FRAME = /^\s*File .*, line \d+, in (\S+)\s*$/;
// `pkg.module.SomethingError: message` or `SomethingError` alone at the start of a line.
const CLASS =
  /^([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*(?:Error|Exception|Violation|Timeout|Fault|Warning|Exit|Interrupt))\b/;

/** Frame names longer than this are cut (a crafted one must not make the rules slow). */
const FRAME_MAX = 200;
// Lines after the innermost frame that are not the exception: caret markers, recursion notes.
const NOT_MESSAGE = /^(?:[~^ ]+|\[Previous line repeated \d+ more times?\])$/;

/**
 * The line a group is named by. Plain text: its first non-empty line. A Python traceback: the
 * exception line, which comes right after the innermost (last) frame and its source line, and the
 * innermost frame's function name. Searching from the last frame means a long traceback cut to
 * its head and tail (excerpt) still finds both in the tail.
 */
function messageLine(lines: string[]): { line: string; frame: string | null } {
  const tb = lines.findIndex((l) => l.trim() === TRACEBACK);
  if (tb < 0) return { line: lines.find((l) => l.trim() !== "") ?? "", frame: null };
  let last = -1;
  for (let i = lines.length - 1; i > tb; i--)
    if (FRAME.test(lines[i])) {
      last = i;
      break;
    }
  const frame = last >= 0 ? FRAME.exec(lines[last])![1].slice(0, FRAME_MAX) : null;
  let i = last >= 0 ? last + 1 : tb + 1;
  // The source line under the frame (indented, not itself a frame), when the frame has one.
  if (last >= 0 && i < lines.length && /^\s/.test(lines[i])) i++;
  for (; i < lines.length; i++) {
    const t = lines[i].trim();
    if (t !== "" && !NOT_MESSAGE.test(t)) return { line: t, frame };
  }
  return { line: "", frame };
}

/** The message with its variable parts replaced: the group's visible template. */
export function normalise(message: string): string {
  let s = message;
  for (const [re, to] of RULES) s = s.replace(re, to);
  s = s.replace(/\s+/g, " ").trim();
  return s.length > TEMPLATE_MAX ? `${s.slice(0, TEMPLATE_MAX)}…` : s;
}

// Lone surrogates (broken UTF-16 from broken UTF-8) and control characters but tab and newline.
const UNSAFE =
  /[\u0000-\u0008\u000b-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function signatureOf(text: string | null | undefined): Signature {
  const raw = excerpt(text ?? "").replace(UNSAFE, " ");
  const { line, frame } = messageLine(raw.split(/\r\n|\r|\n/));
  const found = CLASS.exec(line)?.[1];
  const errorClass = found && found.length <= CLASS_MAX ? found : null;
  // The class is kept as written (a name like Base64DecodeError must not read as an opaque id).
  const rest = line.slice(errorClass?.length ?? 0, LINE_MAX);
  let template =
    line.trim() === ""
      ? "(no error message)"
      : errorClass
        ? `${errorClass}${/^\s/.test(rest) ? " " : ""}${normalise(rest)}`
        : normalise(rest);
  if (frame) template = `${template} (in ${normalise(frame)})`;
  const key = createHash("sha256").update(template).digest("hex").slice(0, 16);
  return { key, template, errorClass };
}

/** A group key as it appears in a URL: 16 lowercase hex characters. */
export const SIGNATURE_KEY = /^[0-9a-f]{16}$/;
