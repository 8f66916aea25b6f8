/**
 * Where to go after sign-in: only a path on this site. Anything that a browser could read as
 * another origin ("//evil", "/\\evil", a tab or newline before the slash, a scheme) gives "/".
 * The check runs again on the normalised result: "/.//evil", "/..//evil" and "/%2e//evil"
 * normalise to "//evil", which a browser reads as another host.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || /[\\\u0000-\u001f\u007f]/.test(next)) return "/";
  try {
    const base = "http://console.invalid";
    const u = new URL(next, base);
    const out = `${u.pathname}${u.search}${u.hash}`;
    if (u.origin !== base || !out.startsWith("/") || out.startsWith("//") || out.startsWith("/\\")) return "/";
    return out;
  } catch {
    return "/";
  }
}
