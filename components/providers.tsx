"use client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { NuqsAdapter } from "nuqs/adapters/next/app";
import { useState, type ReactNode } from "react";
import { config as zodConfig } from "zod";

// zod 4 probes `new Function("")` to decide whether to compile parsers; under the console's CSP
// (no 'unsafe-eval') that probe is a reported violation. The interpreted parsers are plenty here.
zodConfig({ jitless: true });

/** URL state (nuqs: lib/url-state) and one QueryClient per browser tab. Live-refresh intervals are set per query by the pages. */
export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(
    () => new QueryClient({ defaultOptions: { queries: { staleTime: 5_000, refetchOnWindowFocus: false, retry: 1 } } }),
  );
  return (
    <NuqsAdapter>
      <QueryClientProvider client={client}>{children}</QueryClientProvider>
    </NuqsAdapter>
  );
}
