import { buildTemplate, startCluster } from "./cluster";

/** Once per `vitest run`: the private cluster is up and the seeded template is fresh. */
export default async function setup() {
  startCluster();
  await buildTemplate();
}
