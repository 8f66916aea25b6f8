/**
 * GET a console JSON API from the browser: the body on success, otherwise an Error whose message
 * a person can act on (the API's own error message, or what to do when the session has ended).
 */
export async function fetchJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(url, { signal, headers: { accept: "application/json" } });
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    if (res.status === 401) throw new Error("Your session has ended. Reload the page to sign in again.");
    throw new Error(body?.error?.message ?? `The server answered ${res.status}.`);
  }
  return body as T;
}
