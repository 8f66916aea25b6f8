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

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) await this.wait();
    else this.running++;
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private wait(): Promise<void> {
    return new Promise((resolve, reject) => {
      const entry = {
        // The slot is handed over by release(): running stays the same.
        start: () => {
          clearTimeout(entry.timer);
          resolve();
        },
        timer: setTimeout(() => {
          this.queue.splice(this.queue.indexOf(entry), 1);
          reject(
            new AppError("service_unavailable", "The server is busy drawing other tiles. Retry in a few seconds."),
          );
        }, this.maxWaitMs),
      };
      this.queue.push(entry);
    });
  }

  private release(): void {
    const next = this.queue.shift();
    if (next) next.start();
    else this.running--;
  }
}
