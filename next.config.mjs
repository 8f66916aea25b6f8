/** @type {import('next').NextConfig} */
const nextConfig = {
  // NEXT_DIST_DIR lets two builds (e.g. parallel e2e runs) live side by side.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // pg and the Azure SDK are Node libraries: keep them out of the server bundle.
  serverExternalPackages: ["pg", "@azure/identity", "@azure/msal-node"],
  poweredByHeader: false,
  // Deployment builds (NEXT_OUTPUT=standalone npm run build) produce .next/standalone/server.js,
  // a self-contained server for App Service / Container Apps. The demo and tests use `next start`.
  output: process.env.NEXT_OUTPUT === "standalone" ? "standalone" : undefined,
  // Type errors fail the production build (`npm run build` is the deployment path).
  typescript: { ignoreBuildErrors: false },
  typedRoutes: false,
  // Enables forbidden() so pages answer a wrong role with a real 403 page.
  experimental: { authInterrupts: true },
};
export default nextConfig;
