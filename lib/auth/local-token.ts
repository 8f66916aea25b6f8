import { sealData, unsealData } from "iron-session";
import type { Role } from "./permissions";

/** Local API tokens (`npm run token`): sealed with the local setup's own key, refused elsewhere. */
const TOKEN_KIND = "geoetl-local-api-token";
const TOKEN_TTL_SECONDS = 12 * 60 * 60;

export async function sealLocalToken(secret: string, user: { id: string; name: string; role: Role }): Promise<string> {
  return sealData({ kind: TOKEN_KIND, ...user }, { password: secret, ttl: TOKEN_TTL_SECONDS });
}

export async function unsealLocalToken(secret: string, token: string): Promise<{ id: string; name: string; role: Role } | null> {
  try {
    const data = await unsealData<{ kind?: string; id?: string; name?: string; role?: Role }>(token, { password: secret, ttl: TOKEN_TTL_SECONDS });
    if (data.kind !== TOKEN_KIND || !data.id || !data.name || (data.role !== "admin" && data.role !== "reader")) return null;
    return { id: data.id, name: data.name, role: data.role };
  } catch {
    return null;
  }
}
