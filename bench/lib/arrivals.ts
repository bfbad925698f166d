/**
 * One-at-a-time waiting for a frame by id, for latency loops: `wait(id)` before sending,
 * `arrived(id)` from the receiver's message handler. A watchdog fails a wait that stalls.
 */
export class Arrivals {
  private expected: string | null = null;
  private since = 0;
  private resolve: (() => void) | null = null;
  private reject: ((err: Error) => void) | null = null;
  private readonly watchdog: NodeJS.Timeout;

  constructor(
    private readonly label: string,
    stallMs = 5_000,
  ) {
    this.watchdog = setInterval(() => {
      if (this.expected !== null && performance.now() - this.since > stallMs) this.fail(new Error(`${label}: ${this.expected} not delivered within ${stallMs} ms`));
    }, 250);
    this.watchdog.unref();
  }

  wait(id: string): Promise<void> {
    this.expected = id;
    this.since = performance.now();
    return new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  arrived(id: string | undefined): void {
    if (id === undefined || id !== this.expected) return;
    const resolve = this.resolve;
    this.expected = null;
    this.resolve = this.reject = null;
    resolve?.();
  }

  fail(err: Error): void {
    const reject = this.reject;
    this.expected = null;
    this.resolve = this.reject = null;
    reject?.(err);
  }

  dispose(): void {
    clearInterval(this.watchdog);
    this.fail(new Error(`${this.label}: closed`));
  }
}
