import { AppError } from "./api/errors";

/**
 * A counting semaphore with a bounded wait: at most `max` tasks run at once; the next ones queue
 * (first come, first served) for up to `maxWaitMs`, then fail with a 503 the client may retry.
 */
export class Limiter {
  private running = 0;
  private readonly queue: { start: () => void; timer: ReturnType<typeof setTimeout> }[] = [];

  constructor(
    readonly max: number,
    readonly maxWaitMs: number,
  ) {}

  get active(): number {
    return this.running;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Runs `task` when a slot is free; a `signal` that aborts while it waits takes it out of the queue. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw abandoned();
    if (this.running >= this.max) await this.wait(signal);
    else this.running++;
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private wait(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const leave = (err: AppError) => {
        clearTimeout(entry.timer);
        signal?.removeEventListener("abort", onAbort);
        this.queue.splice(this.queue.indexOf(entry), 1);
        reject(err);
      };
      const onAbort = () => leave(abandoned());
      const entry = {
        // The slot is handed over by release(): running stays the same.
        start: () => {
          clearTimeout(entry.timer);
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        timer: setTimeout(
          () =>
            leave(
              new AppError("service_unavailable", "The server is busy drawing other tiles. Retry in a few seconds."),
            ),
          this.maxWaitMs,
        ),
      };
      this.queue.push(entry);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  private release(): void {
    const next = this.queue.shift();
    if (next) next.start();
    else this.running--;
  }
}

/** Whoever asked has gone (the client closed the connection): no one will read this answer. */
const abandoned = () => new AppError("service_unavailable", "Abandoned: the caller went away while it waited.");
