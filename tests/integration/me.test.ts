import { describe, expect, it, vi } from "vitest";
import { bearer, sessionCookie } from "../helpers/auth";
import { testDatabase } from "../helpers/db";
import { setAuthorization, setCookie } from "../helpers/next-headers";

/**
 * GET /api/me answers any signed-in caller, with or without an app role (README): a script whose
 * token lacks the role sees `"role": null` instead of a bare 403. Anonymous callers get 401.
 */
vi.mock("next/headers", () => import("../helpers/next-headers"));
testDatabase("me");
const me = await import("@/app/api/me/route");
const get = () => me.GET(new Request("http://console.test/api/me"), {} as never);

describe("GET /api/me", () => {
  it("anonymous 401; a signed-in account without a role 200 with role null; a reader its role", async () => {
    setAuthorization(null);
    setCookie("geoetl_session", null);
    expect((await get()).status).toBe(401);
    setCookie("geoetl_session", await sessionCookie("norole"));
    const none = await get();
    expect(none.status).toBe(200);
    expect(await none.json()).toMatchObject({ role: null, via: "session" });
    setCookie("geoetl_session", null);
    setAuthorization(await bearer("reader"));
    expect(await (await get()).json()).toMatchObject({ role: "reader", via: "bearer" });
  });
});
