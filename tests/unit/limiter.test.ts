import { describe, expect, it } from "vitest";
import { Limiter } from "@/lib/limiter";

const tick = () => new Promise((r) => setTimeout(r, 5));

describe("Limiter (tile renderers per instance)", () => {
  it("never runs more than max at once, and runs the rest in arrival order", async () => {
    const lim = new Limiter(2, 1000);
    let now = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        lim.run(async () => {
          now++;
          peak = Math.max(peak, now);
          order.push(i);
          await tick();
          now--;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect([lim.active, lim.waiting]).toEqual([0, 0]);
  });

  it("refuses with a 503 after the bounded wait, and frees the slot of a task that throws", async () => {
    const lim = new Limiter(1, 20);
    let release!: () => void;
    const blocker = lim.run(() => new Promise<void>((r) => (release = r)));
    await expect(lim.run(async () => "late")).rejects.toMatchObject({ code: "service_unavailable", status: 503 });
    release();
    await blocker;
    await expect(lim.run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await lim.run(async () => "ok")).toBe("ok");
    expect([lim.active, lim.waiting]).toEqual([0, 0]);
  });

  it("a waiter whose caller goes away leaves the queue at once; the others keep their turn", async () => {
    const lim = new Limiter(1, 10_000);
    let release!: () => void;
    const blocker = lim.run(() => new Promise<void>((r) => (release = r)));
    const gone = new AbortController();
    const ran: string[] = [];
    const a = lim.run(async () => void ran.push("a"), gone.signal);
    const b = lim.run(async () => void ran.push("b"));
    expect(lim.waiting).toBe(2);
    gone.abort();
    await expect(a).rejects.toMatchObject({ status: 503, message: expect.stringMatching(/went away/) });
    expect(lim.waiting).toBe(1);
    release();
    await Promise.all([blocker, b]);
    expect(ran).toEqual(["b"]);
    // Already gone before asking: refused without queueing; no slot leaks either way.
    await expect(lim.run(async () => "x", gone.signal)).rejects.toMatchObject({ status: 503 });
    expect([lim.active, lim.waiting]).toEqual([0, 0]);
  });
});
