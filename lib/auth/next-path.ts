/**
 * Where to go after sign-in: only a path on this site. Anything that a browser could read as
 * another origin ("//evil", "/\\evil", a tab or newline before the slash, a scheme) gives "/".
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || /[\\\u0000-\u001f\u007f]/.test(next)) return "/";
  try {
    const base = "http://console.invalid";
    const u = new URL(next, base);
    return u.origin === base ? `${u.pathname}${u.search}${u.hash}` : "/";
  } catch {
    return "/";
  }
}
