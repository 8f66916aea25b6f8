import { describe, expect, it } from "vitest";
import { canMutate, hasRole } from "@/lib/auth/permissions";
import { sealLocalToken, unsealLocalToken } from "@/lib/auth/local-token";
import { AppError, isDatabaseUnavailable, toAppError } from "@/lib/api/errors";

describe("permissions", () => {
  it("admins include readers; only admins mutate; nobody anonymous does", () => {
    expect(hasRole({ role: "admin" }, "reader")).toBe(true);
    expect(hasRole({ role: "reader" }, "admin")).toBe(false);
    expect(canMutate({ role: "admin" })).toBe(true);
    expect(canMutate({ role: "reader" })).toBe(false);
    expect(canMutate(null)).toBe(false);
  });
});

describe("local API tokens", () => {
  const secret = "x".repeat(64);
  it("round-trips and rejects another key or garbage", async () => {
    const t = await sealLocalToken(secret, { id: "local:ci", name: "ci", role: "reader" });
    expect(await unsealLocalToken(secret, t)).toEqual({ id: "local:ci", name: "ci", role: "reader" });
    expect(await unsealLocalToken("y".repeat(64), t)).toBeNull();
    expect(await unsealLocalToken(secret, "Fe26.2**garbage")).toBeNull();
  });
});

describe("errors", () => {
  it("maps connection failures to 503 and keeps AppErrors", () => {
    expect(isDatabaseUnavailable({ code: "ECONNREFUSED" })).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("x"), { errors: [{ code: "ECONNREFUSED" }] }))).toBe(true);
    expect(toAppError({ code: "ECONNREFUSED" }).status).toBe(503);
    expect(toAppError(new AppError("bad_request", "no")).status).toBe(400);
    expect(toAppError(new Error("boom")).status).toBe(500);
  });
});
