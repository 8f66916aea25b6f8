import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(__dirname),
      // Next resolves "server-only" to an empty module on the server; so do we in tests.
      "server-only": path.resolve(__dirname, "tests/helpers/empty.ts"),
    },
  },
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/helpers/global-setup.ts"],
    testTimeout: 20_000,
    // Route handlers called in-process get Requests for http://console.test/...: a host apiRoute accepts.
    env: { CONSOLE_EXTRA_HOSTS: "console.test" },
    hookTimeout: 60_000,
  },
});
