// autocannon ships no types; the load test uses only its promise API.
declare module "autocannon" {
  const autocannon: (opts: Record<string, unknown>) => Promise<unknown>;
  export default autocannon;
}
