import { describe, expect, it } from "vitest";
import { canMutate, hasRole, roleFromClaims } from "@/lib/auth/permissions";
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

describe("roles from the token", () => {
  const names = { admin: "GeoAdmin.Admin", reader: "GeoAdmin.Reader" };
  it("maps Entra app roles to the console role; admin wins; anything else is no access", () => {
    expect(roleFromClaims(["GeoAdmin.Reader", "GeoAdmin.Admin"], names)).toBe("admin");
    expect(roleFromClaims(["GeoAdmin.Reader"], names)).toBe("reader");
    expect(roleFromClaims(["geoadmin.admin", "Admin"], names)).toBeNull();
    expect(roleFromClaims("GeoAdmin.Admin", names)).toBeNull();
    expect(roleFromClaims(undefined, names)).toBeNull();
  });
  it("a user without a role has no access at all", () => {
    expect(hasRole({ role: null }, "reader")).toBe(false);
    expect(canMutate({ role: null })).toBe(false);
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

  it("tells a statement_timeout from a cancellation by an administrator (both SQLSTATE 57014)", () => {
    const timeout = toAppError(
      Object.assign(new Error("canceling statement due to statement timeout"), { code: "57014" }),
    );
    expect(timeout).toMatchObject({ status: 503, message: expect.stringMatching(/Narrow the filter/) });
    const cancelled = toAppError(
      Object.assign(new Error("canceling statement due to user request"), { code: "57014" }),
    );
    expect(cancelled).toMatchObject({
      status: 503,
      message: expect.stringMatching(/cancelled on the database server/),
    });
    expect(cancelled.message).not.toMatch(/Narrow the filter/);
  });
});
