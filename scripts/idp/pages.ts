/**
 * The local provider's own HTML pages: sign-in, sign-out confirmation, signed-out, error.
 * Server-rendered, self-contained (no scripts, no external resources), light and dark.
 */
import { DEMO_ACCOUNTS } from "./config";

/** Sent with every page here: nothing but the inline stylesheet may load or run. */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";

export function esc(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
:root{color-scheme:light dark;--bg:#f4f5f7;--card:#fff;--fg:#1b1f24;--muted:#4a5360;--line:#c9ced6;
--accent:#0b5cad;--accent-fg:#fff;--error:#a4001d;--note:#fff4d6;--note-fg:#4d3800}
@media (prefers-color-scheme:dark){:root{--bg:#14161a;--card:#1e2127;--fg:#e9ebef;--muted:#b4bcc8;
--line:#454c57;--accent:#8ab8ff;--accent-fg:#0d1117;--error:#ff9b9b;--note:#3a3217;--note-fg:#fbe7a6}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:34rem;margin:2.5rem auto;padding:1.75rem;background:var(--card);border:1px solid var(--line);border-radius:8px}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.1rem;margin:1.75rem 0 .5rem}
p{margin:.25rem 0 1rem}.muted{color:var(--muted)}
.field{margin:0 0 1rem}label{display:block;font-weight:600;margin-bottom:.25rem}
input{width:100%;padding:.55rem .65rem;font:inherit;color:var(--fg);background:var(--card);border:1px solid var(--muted);border-radius:4px}
input[aria-invalid=true]{border-color:var(--error);border-width:2px}
.error{color:var(--error);font-weight:600;margin:.35rem 0 0}
button{font:inherit;font-weight:600;padding:.55rem 1.1rem;border-radius:4px;border:2px solid var(--accent);background:var(--accent);color:var(--accent-fg);cursor:pointer}
button.secondary{background:transparent;color:var(--accent)}
a{color:var(--accent)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.actions{display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
.note{background:var(--note);color:var(--note-fg);padding:.5rem .75rem;border-radius:4px}
table{border-collapse:collapse;width:100%;font-size:.95rem}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--line)}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.95em}
`;

export function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(title)} · GeoETL local identity provider</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

export interface LoginPageInput {
  action: string;
  cancelUrl: string;
  clientName: string;
  username?: string;
  /** Error shown next to one field (wrong username or wrong password). */
  error?: { field: "username" | "password"; message: string };
}

export function loginPage({ action, cancelUrl, clientName, username = "", error }: LoginPageInput): string {
  const field = (name: "username" | "password", label: string, attrs: string) => {
    const err = error?.field === name;
    return `<div class="field">
<label for="${name}">${label}</label>
<input id="${name}" name="${name}" ${attrs} required${err ? ` aria-invalid="true" aria-describedby="${name}-error" autofocus` : ""}>
${err ? `<p id="${name}-error" class="error" role="alert">${esc(error.message)}</p>` : ""}
</div>`;
  };
  const rows = DEMO_ACCOUNTS.map(
    (a) =>
      `<tr><td><code>${esc(a.username)}</code></td><td><code>${esc(a.password)}</code></td><td>${esc(a.roles.join(", ") || "none")}</td></tr>`,
  ).join("\n");
  return layout(
    "Sign in",
    `<h1>Sign in</h1>
<p class="muted">to <strong>${esc(clientName)}</strong> with the local identity provider, a stand-in for Microsoft Entra ID on this machine.</p>
<form method="post" action="${esc(action)}">
${field("username", "Username", `type="text" autocomplete="username" autocapitalize="none" spellcheck="false" value="${esc(username)}"${error ? "" : " autofocus"}`)}
${field("password", "Password", `type="password" autocomplete="current-password"`)}
<div class="actions"><button type="submit">Sign in</button><a href="${esc(cancelUrl)}">Cancel</a></div>
</form>
<h2 id="demo-accounts">Demo accounts</h2>
<p class="note">Local demo only: these accounts and passwords exist only in this local provider.</p>
<table aria-labelledby="demo-accounts">
<thead><tr><th scope="col">Username</th><th scope="col">Password</th><th scope="col">App role</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`,
  );
}

/** features.rpInitiatedLogout.logoutSource: `form` is oidc-provider's hidden form (id op.logoutForm). */
export function logoutPage(form: string): string {
  return layout(
    "Sign out",
    `<h1>Sign out</h1>
<p>Sign out of the local identity provider? You will need to sign in again to use the console.</p>
${form}
<div class="actions">
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button>
<button type="submit" form="op.logoutForm" class="secondary">Stay signed in</button>
</div>`,
  );
}

export function signedOutPage(): string {
  return layout("Signed out", `<h1>Signed out</h1><p>You have signed out of the local identity provider.</p>`);
}

export function errorPage(out: Record<string, unknown>): string {
  const details = Object.entries(out)
    .map(([key, value]) => `<tr><th scope="row">${esc(key)}</th><td>${esc(value)}</td></tr>`)
    .join("\n");
  return layout(
    "Error",
    `<h1>Something went wrong</h1>
<p>The local identity provider could not complete the request. Go back to the console and sign in again.</p>
<table>${details}</table>`,
  );
}
