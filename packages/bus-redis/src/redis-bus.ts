import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { decodeBusEnvelope, encodeBusEnvelope, type Bus, type BusMessage, type Subscription, type Topic } from '@quickchat/server';
import { Channels, type Channel, type Entry } from './channels.js';
import { connectWithin, createConnection, redactUrl } from './connection.js';
import { Outbox } from './outbox.js';
import { DEFAULT_PREFIX } from './keys.js';

/** How to reach Redis, and how this node's bus behaves. */
export interface RedisBusOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://`). */
  url: string;
  /**
   * This node's id, written as the origin of everything it publishes so that it can skip its own
   * messages when Redis echoes them back (default: a random UUID; unique per process is enough).
   */
  nodeId?: string;
  /** Prepended to every channel name, so several deployments can share one Redis (default `quickchat:`, as the keys). */
  prefix?: string;
  /**
   * Receives what the bus cannot hand to anyone else: errors thrown by handlers (with their
   * topic), messages from Redis that failed to decode (with their topic), publishes dropped while
   * Redis was unreachable, and lost connections (default: ignored).
   */
  onError?: (error: unknown, topic?: string) => void;
  /** How many publishes may wait while Redis is unreachable before further ones are dropped (default 10,000). */
  maxQueued?: number;
  /** How long {@link RedisBus.connect} waits for Redis before it rejects (default 5,000 ms). */
  connectTimeoutMs?: number;
}

const READY: Promise<void> = Promise.resolve();
/** Own messages remembered as delivered while cut off; past it the oldest are forgotten (their echo would be long gone). */
const MAX_DELIVERED_HERE = 100_000;

/**
 * The {@link Bus} for several server nodes on one Redis (pub/sub), on two ioredis connections:
 * one publishing, one subscribed.
 *
 * - `publish` never throws and never waits. Every publish of one turn goes to Redis in ONE
 *   pipeline, each message in an envelope naming this node as origin, with its running number.
 *   This node's own subscribers get it when Redis echoes it back, in Redis's order like every
 *   other node's, so all subscribers everywhere see one order per topic (and `publishConfirmed`
 *   orders a message before everything published after it, on every node). While cut off from
 *   Redis they get it directly, on a later turn, so a node that loses Redis keeps serving its own
 *   users; its echo, if it comes later, is skipped.
 * - While Redis is unreachable, publishes wait (bounded by `maxQueued`, then dropped and reported)
 *   and go out when it returns. Both connections reconnect with backoff (50 ms doubling to 2 s).
 * - A topic's first local subscription SUBSCRIBEs its channel and is `ready` once Redis confirmed
 *   it; later ones share it; the last one to leave UNSUBSCRIBEs.
 * - After an outage of the subscribing connection, every channel is re-subscribed and, once Redis
 *   confirmed them all, every `onResume` listener is called once: messages from other nodes may
 *   have been missed meanwhile, and the server resyncs its sessions.
 * - What arrives is validated (`decodeBusEnvelope`); malformed text or a message of the wrong kind
 *   for its topic goes to `onError`, never to handlers. A throwing handler never stops the others.
 */
export class RedisBus implements Bus {
  /** The origin this node writes on its messages. */
  readonly nodeId: string;
  private readonly prefix: string;
  private readonly report: (error: unknown, topic?: string) => void;
  private readonly outbox: Outbox;
  private readonly channels: Channels;
  private readonly resumeListeners = new Set<{ listener: () => void }>();
  /** Running number of this node's publishes (the envelope's `n`). */
  private published = 0;
  /** Numbers of own messages delivered here while cut off, whose echo (if Redis sends one) is skipped. */
  private readonly deliveredHere = new Set<number>();
  /** This turn's own messages for local subscribers, by channel name, in publish order. */
  private local: [channel: string, message: BusMessage][] = [];
  private scheduled = false;
  private closed = false;
  private closing: Promise<void> | null = null;

  private constructor(
    options: RedisBusOptions & { nodeId: string },
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
  ) {
    this.nodeId = options.nodeId;
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    const onError = options.onError ?? (() => {});
    this.report = (error, topic) => {
      try {
        onError(error, topic);
      } catch {
        // An error callback that throws must not break delivery either.
      }
    };
    this.outbox = new Outbox(publisher, options.maxQueued ?? 10_000, (err) => this.report(err));
    this.channels = new Channels(
      subscriber,
      (channel, raw) => this.arrived(channel, raw),
      () => this.resumed(),
    );
    publisher.on('ready', () => this.outbox.flush());
    this.reportLostConnection(publisher, 'publishing', options.url);
    this.reportLostConnection(subscriber, 'subscribing', options.url);
  }

  /**
   * Connects to Redis and resolves the bus once both connections are ready. Rejects, naming the
   * URL (without its password), if Redis cannot be reached within `connectTimeoutMs`: a node
   * should not start on a bus it has never reached.
   */
  static async connect(options: RedisBusOptions): Promise<RedisBus> {
    const nodeId = options.nodeId ?? randomUUID();
    // Other nodes refuse envelopes whose origin is not 1 to 128 characters (bus/codec.ts).
    if (nodeId.length < 1 || nodeId.length > 128) throw new Error(`RedisBus nodeId must be 1 to 128 characters, not ${nodeId.length}`);
    const publisher = createConnection(options.url, 'quickchat-bus-pub');
    const subscriber = createConnection(options.url, 'quickchat-bus-sub');
    try {
      await connectWithin([publisher, subscriber], options.url, options.connectTimeoutMs ?? 5000);
    } catch (err) {
      for (const connection of [publisher, subscriber]) {
        connection.on('error', () => {}); // an attempt still in flight fails after this
        connection.disconnect();
      }
      throw err;
    }
    return new RedisBus({ ...options, nodeId }, publisher, subscriber);
  }

  /** Whether both connections are up right now (for health checks; the bus works either way). */
  get connected(): boolean {
    return this.publisher.status === 'ready' && this.subscriber.status === 'ready';
  }

  /** How many publishes were dropped so far because Redis was unreachable and the queue was full. */
  get dropped(): number {
    return this.outbox.dropped;
  }

  /**
   * Hands `message` to this node's subscribers of `topic` on a later turn, and queues it for Redis
   * (sent with the rest of this turn's publishes, or when Redis is back). Never throws.
   */
  publish<M extends BusMessage>(topic: Topic<M>, message: M): void {
    if (this.closed) return;
    try {
      const name = this.prefix + topic.name;
      const n = ++this.published;
      const channel = this.channels.get(name);
      // Linked: this node's subscribers get it when Redis echoes it, in Redis's order like every
      // other node's. Cut off: at once, so the node keeps serving its own users.
      if (channel && !(channel.live && this.publisher.status === 'ready')) {
        this.local.push([name, message]);
        this.deliveredHere.add(n);
        if (this.deliveredHere.size > MAX_DELIVERED_HERE) this.deliveredHere.delete(this.deliveredHere.values().next().value as number);
      }
      this.outbox.push(name, encodeBusEnvelope(this.nodeId, message, n));
      this.schedule();
    } catch (err) {
      this.report(err, topic.name);
    }
  }

  /**
   * Publishes like {@link publish}, and resolves once Redis answered the pipeline that carries it
   * (at once while Redis is unreachable: the other nodes resync when it is back). Never rejects.
   */
  publishConfirmed<M extends BusMessage>(topic: Topic<M>, message: M): Promise<void> {
    this.publish(topic, message);
    return this.closed ? READY : this.outbox.whenSent();
  }

  /**
   * Subscribes `handler` to `topic`. `ready` resolves once Redis confirmed the topic's channel
   * (at once if an earlier subscription already has it; after the reconnect if Redis is down).
   */
  subscribe<M extends BusMessage>(topic: Topic<M>, handler: (message: M) => void): Subscription {
    if (this.closed) return { ready: READY, unsubscribe: () => {} };
    const name = this.prefix + topic.name;
    const entry: Entry = { handler: handler as (message: BusMessage) => void };
    const ready = this.channels.add(name, topic as Topic<BusMessage>, entry);
    const channel = this.channels.get(name) as Channel;
    return { ready, unsubscribe: () => this.channels.remove(name, channel, entry) };
  }

  /** Calls `listener` once after each outage of the subscribing connection, once every channel is subscribed again. */
  onResume(listener: () => void): () => void {
    const registration = { listener };
    this.resumeListeners.add(registration);
    return () => void this.resumeListeners.delete(registration);
  }

  /** Stops delivery, sends what this turn published, and quits both connections. Idempotent. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.outbox.flush();
    this.closed = true;
    this.outbox.clear();
    this.local = [];
    this.channels.close();
    this.resumeListeners.clear();
    this.closing = Promise.all([quit(this.publisher), quit(this.subscriber)]).then(() => {});
    return this.closing;
  }

  /** Once per turn: this turn's publishes go to Redis as one pipeline, then to local subscribers. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.closed) return;
      this.outbox.flush();
      const batch = this.local;
      this.local = [];
      for (const [name, message] of batch) {
        // Subscriptions that ended since the publish get nothing; the channel's current ones do.
        const channel = this.channels.get(name);
        if (channel) this.deliver(channel, message);
        if (this.closed) return;
      }
    });
  }

  /** A message from Redis: validated, skipped if it is this node's own and was delivered here already, else delivered. */
  private arrived(channel: Channel, raw: string): void {
    const decoded = decodeBusEnvelope(channel.topic, raw);
    if (decoded instanceof Error) return this.report(decoded, channel.topic.name);
    if (decoded.origin === this.nodeId && (decoded.n === undefined || this.deliveredHere.delete(decoded.n))) return;
    this.deliver(channel, decoded.message);
  }

  private deliver(channel: Channel, message: BusMessage): void {
    for (const entry of channel.entries) {
      try {
        entry.handler(message);
      } catch (err) {
        this.report(err, channel.topic.name);
      }
      if (this.closed) return;
    }
  }

  private resumed(): void {
    for (const { listener } of [...this.resumeListeners]) {
      try {
        listener();
      } catch (err) {
        this.report(err);
      }
    }
  }

  /** Reports a lost connection once per outage, not once per reconnect attempt. */
  private reportLostConnection(connection: Redis, role: string, url: string): void {
    let reported = false;
    connection.on('ready', () => (reported = false));
    connection.on('error', (err: Error) => {
      if (reported || this.closed) return;
      reported = true;
      this.report(new Error(`redis bus: ${role} connection to ${redactUrl(url)} failed: ${err.message}`));
    });
  }
}

/** Quits a connection gracefully if it is up (after what was already sent), else drops it. */
async function quit(connection: Redis): Promise<void> {
  if (connection.status === 'end') return;
  if (connection.status !== 'ready') return connection.disconnect();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([connection.quit(), new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
  } catch {
    // Lost meanwhile: nothing left to say goodbye to.
  } finally {
    clearTimeout(timer);
    connection.disconnect();
  }
}
