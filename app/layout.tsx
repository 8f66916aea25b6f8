import type { Metadata } from "next";
import { cookies, headers } from "next/headers";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import { NONCE_HEADER } from "@/lib/security/headers";
import "./globals.css";

export const metadata: Metadata = { title: { default: "GeoETL Admin Console", template: "%s · GeoETL Admin Console" } };

// Without a theme cookie, follow the system; runs before paint so there is no flash.
const systemTheme = `if(!document.documentElement.classList.contains('light')&&!document.documentElement.classList.contains('dark')&&matchMedia('(prefers-color-scheme: dark)').matches)document.documentElement.classList.add('dark')`;

export default async function RootLayout({ children }: { children: ReactNode }) {
  const theme = (await cookies()).get("theme")?.value;
  // The CSP nonce proxy.ts made for this request: the one inline script needs it to run.
  const nonce = (await headers()).get(NONCE_HEADER) ?? undefined;
  const cls = theme === "dark" || theme === "light" ? theme : undefined;
  return (
    <html lang="en" className={cls} suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: systemTheme }} />
      </head>
      <body className="min-h-screen antialiased">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
