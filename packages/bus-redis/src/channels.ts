import type { Redis } from 'ioredis';
import type { BusMessage, Topic } from '@quickchat/server';

/** One subscription: its own identity, so the same handler subscribed twice is two of them. */
export interface Entry {
  readonly handler: (message: BusMessage) => void;
}

/** A Redis channel this node listens on, and the local subscriptions that share it. */
export class Channel {
  readonly entries = new Set<Entry>();
  /** Whether Redis has confirmed the SUBSCRIBE on the current connection. */
  private confirmed = false;
  private resolve: () => void = () => {};
  /** Resolves once confirmed; what a subscription made now waits for. */
  ready: Promise<void> = this.pending();

  constructor(readonly topic: Topic<BusMessage>) {}

  /** Whether Redis has confirmed the channel on the live connection: what is published on it now comes back here. */
  get live(): boolean {
    return this.confirmed;
  }

  /** Redis confirmed the channel: subscriptions waiting for it are ready. */
  confirm(): void {
    this.confirmed = true;
    this.resolve();
  }

  /** The connection was lost: subscriptions made from now on wait for the next confirmation. */
  unconfirm(): void {
    if (!this.confirmed) return;
    this.confirmed = false;
    this.ready = this.pending();
  }

  private pending(): Promise<void> {
    return new Promise<void>((resolve) => (this.resolve = resolve));
  }
}

/** How many channels go in one SUBSCRIBE when re-subscribing after an outage. */
const RESUBSCRIBE_CHUNK = 1000;

/**
 * The subscribing side of the Redis bus: one Redis channel per topic with local subscribers,
 * reference-counted (the first subscription sends SUBSCRIBE, the last one to leave sends
 * UNSUBSCRIBE), on a dedicated connection.
 *
 * It also detects outages: when the connection is lost and comes back, it re-subscribes every
 * channel, waits for Redis to confirm them all, and then calls `onResume` once for that outage,
 * however many reconnect attempts it took.
 */
export class Channels {
  private readonly channels = new Map<string, Channel>();
  /** Bumped whenever the connection closes: a reply from an older connection confirms nothing. */
  private epoch = 0;
  /** Whether the connection was ever ready (a first connection ends no outage). */
  private everReady: boolean;
  /** The connection was lost since it was last fully re-subscribed. */
  private outage = false;
  private closed = false;

  constructor(
    private readonly connection: Redis,
    private readonly onMessage: (channel: Channel, raw: string) => void,
    private readonly onResume: () => void,
  ) {
    this.everReady = connection.status === 'ready';
    connection.on('message', (name: string, raw: string) => {
      const channel = this.channels.get(name);
      if (channel && !this.closed) this.onMessage(channel, raw);
    });
    connection.on('close', () => this.lost());
    connection.on('ready', () => void this.resubscribeAll());
  }

  /** The channel named `name`, if this node listens on it. */
  get(name: string): Channel | undefined {
    return this.channels.get(name);
  }

  /** Adds a subscription to channel `name`; resolves once Redis confirmed the channel. */
  add(name: string, topic: Topic<BusMessage>, entry: Entry): Promise<void> {
    let channel = this.channels.get(name);
    if (!channel) {
      channel = new Channel(topic);
      this.channels.set(name, channel);
      if (this.connection.status === 'ready') this.subscribe(name, channel);
      // Otherwise it is subscribed with all the others when the connection is ready again.
    }
    channel.entries.add(entry);
    return channel.ready;
  }

  /** Removes a subscription (idempotent); UNSUBSCRIBEs the channel when it was the last one. */
  remove(name: string, channel: Channel, entry: Entry): void {
    if (!channel.entries.delete(entry) || channel.entries.size > 0) return;
    if (this.channels.get(name) !== channel) return;
    this.channels.delete(name);
    if (this.connection.status === 'ready') this.connection.unsubscribe(name).catch(() => {});
  }

  /** Stops delivering and forgets every channel (the connection is closed by the caller). */
  close(): void {
    this.closed = true;
    this.channels.clear();
  }

  private subscribe(name: string, channel: Channel): void {
    const epoch = this.epoch;
    this.connection.subscribe(name).then(
      () => {
        if (epoch === this.epoch && this.channels.get(name) === channel) channel.confirm();
      },
      () => {}, // the connection went down: the channel is re-subscribed when it is back
    );
  }

  /** The connection closed: whatever subscribes from now on waits for the next confirmation. */
  private lost(): void {
    this.epoch++;
    if (!this.everReady) return;
    this.outage = true;
    for (const channel of this.channels.values()) channel.unconfirm();
  }

  /** Connection (re)established: subscribe everything, then end the outage if there was one. */
  private async resubscribeAll(): Promise<void> {
    const epoch = this.epoch;
    const batch = [...this.channels];
    const names = batch.map(([name]) => name);
    try {
      const chunks: Promise<unknown>[] = [];
      for (let i = 0; i < names.length; i += RESUBSCRIBE_CHUNK) chunks.push(this.connection.subscribe(...names.slice(i, i + RESUBSCRIBE_CHUNK)));
      await Promise.all(chunks);
    } catch {
      return; // lost again before Redis confirmed: the next `ready` tries again, same outage
    }
    if (epoch !== this.epoch || this.closed) return;
    for (const [name, channel] of batch) if (this.channels.get(name) === channel) channel.confirm();
    this.everReady = true;
    if (!this.outage) return;
    this.outage = false;
    this.onResume();
  }
}
