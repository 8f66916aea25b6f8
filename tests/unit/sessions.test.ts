import { describe, expect, it } from "vitest";
import { endRefusal, type SessionFacts, type SignalRights } from "@/lib/db/sessions";

/** Which sessions the console offers to cancel or terminate (PostgreSQL's pg_signal_backend rules plus its own). */
const session = (over: Partial<SessionFacts> = {}): SessionFacts => ({
  pid: 4242,
  database: "geoetl",
  user: "etl_worker",
  application: "coremachine",
  backend_type: "client backend",
  state: "active",
  superuser: false,
  self: false,
  ...over,
});
const superAdmin: SignalRights = { adminRole: "postgres", superuser: true, signalBackend: true, database: "geoetl" };
const azureAdmin: SignalRights = {
  adminRole: "rmhpgflexadmin",
  superuser: false,
  signalBackend: true,
  database: "geoetl",
};
const plainAdmin: SignalRights = { adminRole: "geoadmin", superuser: false, signalBackend: false, database: "geoetl" };

describe("endRefusal", () => {
  it("lets an admin end another role's running query", () => {
    expect(endRefusal(session(), superAdmin, "cancel")).toBeNull();
    expect(endRefusal(session(), azureAdmin, "terminate")).toBeNull();
  });

  it("never the console's own connections, whatever the rights", () => {
    expect(endRefusal(session({ self: true }), superAdmin, "cancel")).toMatch(/never ends its own connections/);
    expect(endRefusal(session({ application: "geoetl-admin-console:admin" }), superAdmin, "terminate")).toMatch(
      /this console's own connections \(geoetl-admin-console:admin\)/,
    );
  });

  it("a superuser's session only when the admin role is a superuser (PostgreSQL would refuse)", () => {
    expect(endRefusal(session({ superuser: true, user: "azuresu" }), azureAdmin, "terminate")).toMatch(
      /superuser's session \(azuresu\).*rmhpgflexadmin is not a superuser/,
    );
    expect(endRefusal(session({ superuser: true }), superAdmin, "terminate")).toBeNull();
  });

  it("other roles' sessions need pg_signal_backend; the admin's own role's sessions do not", () => {
    expect(endRefusal(session(), plainAdmin, "cancel")).toMatch(/grant it pg_signal_backend/);
    expect(endRefusal(session({ user: "geoadmin" }), plainAdmin, "cancel")).toBeNull();
  });

  it("only client sessions of this database; cancel only a running query", () => {
    expect(endRefusal(session({ backend_type: "autovacuum worker" }), superAdmin, "terminate")).toMatch(
      /not a client session but a PostgreSQL autovacuum worker/,
    );
    expect(endRefusal(session({ database: "other_team" }), superAdmin, "terminate")).toMatch(
      /connected to database other_team/,
    );
    expect(endRefusal(session({ state: "idle in transaction" }), superAdmin, "cancel")).toMatch(
      /nothing to cancel; terminate the session instead/,
    );
    expect(endRefusal(session({ state: "idle in transaction" }), superAdmin, "terminate")).toBeNull();
    // Unknown state (no pg_read_all_stats): not refused for it; PostgreSQL decides.
    expect(endRefusal(session({ state: null }), superAdmin, "cancel")).toBeNull();
  });
});
