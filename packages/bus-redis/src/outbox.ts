import type { Redis } from 'ioredis';

/**
 * The publishing side of the Redis bus: serialized messages waiting to go out on the publisher
 * connection. `flush` sends everything waiting as ONE pipeline, so a burst published in one turn
 * (a group's fan-out, a resync) costs one write and one round trip, not one per message.
 *
 * While the connection is down, messages wait here, in order, and go out when it is ready again.
 * The wait is bounded: past `limit` waiting messages, new ones are dropped and counted. Redis is
 * a bus, not the record: whatever is dropped is recovered by the clients' sync after the outage.
 */
export class Outbox {
  private pending: [channel: string, payload: string][] = [];
  /** Dropped since the connection was last ready (reported when it is ready again). */
  private droppedInOutage = 0;
  /** Every message ever dropped for lack of room. */
  dropped = 0;
  /** Waiting on {@link whenSent}: released when the pipeline that carries what is pending now is answered. */
  private waiters: (() => void)[] = [];

  constructor(
    private readonly connection: Redis,
    private readonly limit: number,
    private readonly report: (err: Error) => void,
  ) {}

  /** Queues one message; drops it (and reports the first drop of an outage) when the queue is full. */
  push(channel: string, payload: string): void {
    if (this.connection.status !== 'ready' && this.pending.length >= this.limit) {
      this.dropped++;
      if (this.droppedInOutage++ === 0) {
        this.report(new Error(`redis bus: Redis is unreachable and ${this.limit} publishes are waiting; dropping further publishes until it returns`));
      }
      return;
    }
    this.pending.push([channel, payload]);
  }

  /**
   * Resolves once Redis answered the pipeline that carries everything queued so far (so whatever
   * any node publishes after that reaches every subscriber later), or at once while the
   * connection is down: a cut-off node's peers resync when it is back. Never rejects.
   */
  whenSent(): Promise<void> {
    if (this.connection.status !== 'ready' || this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Sends everything waiting as one pipeline, if the connection is ready (else keeps it waiting). */
  flush(): void {
    if (this.connection.status !== 'ready') return this.release(this.takeWaiters());
    if (this.droppedInOutage > 0) {
      this.report(new Error(`redis bus: dropped ${this.droppedInOutage} publishes while Redis was unreachable (queue bound ${this.limit})`));
      this.droppedInOutage = 0;
    }
    const waiters = this.takeWaiters();
    if (this.pending.length === 0) return this.release(waiters);
    const batch = this.pending;
    this.pending = [];
    const pipeline = this.connection.pipeline();
    for (const [channel, payload] of batch) pipeline.publish(channel, payload);
    // A pipeline cut off by a lost connection is not re-sent (it may have been half delivered);
    // the receiving nodes see the same outage and resync their clients.
    pipeline
      .exec()
      .then(
        (results) => {
          const failed = results?.find(([err]) => err !== null)?.[0];
          if (failed) this.report(new Error(`redis bus: a publish failed: ${failed.message}`));
        },
        (err: unknown) => this.report(new Error(`redis bus: publishing failed: ${err instanceof Error ? err.message : String(err)}`)),
      )
      .finally(() => this.release(waiters));
  }

  /** Forgets whatever is waiting (the bus is closing). */
  clear(): void {
    this.pending = [];
    this.release(this.takeWaiters());
  }

  private takeWaiters(): (() => void)[] {
    const waiters = this.waiters;
    this.waiters = [];
    return waiters;
  }

  private release(waiters: readonly (() => void)[]): void {
    for (const resolve of waiters) resolve();
  }
}
