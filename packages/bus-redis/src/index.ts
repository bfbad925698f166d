/**
 * `@quickchat/bus-redis`: several quickchat server nodes on one Redis. The server loads it by
 * name when it is given a Redis URL (`--redis-url`, `QUICKCHAT_REDIS_URL`, `createServer({ redisUrl })`)
 * and calls {@link connectScaleOut}; the parts are exported too, for tests and for deployments
 * that assemble their own. Redis is a bus and a place for ephemeral state, never the record: the
 * Store is. See docs/deploy.md#several-nodes.
 */
import type { ScaleOut, ScaleOutOptions } from '@quickchat/server';
import { connectWithin, createConnection } from './connection.js';
import { RedisBus } from './redis-bus.js';
import { RedisNodes } from './nodes.js';
import { RedisPresence } from './presence.js';
import { RedisCallRegistry } from './call-registry.js';

export { RedisBus, type RedisBusOptions } from './redis-bus.js';
export { RedisNodes, type RedisNodesOptions } from './nodes.js';
export { RedisPresence, type RedisPresenceOptions } from './presence.js';
export { RedisCallRegistry, type RedisCallRegistryOptions } from './call-registry.js';
export { DEFAULT_PREFIX } from './keys.js';

/** How long a starting node waits for Redis before its start fails, unless told otherwise. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Connects this node to the deployment's Redis: the bus (two connections), and one connection for
 * node liveness, presence and the call registry. Resolves once all are connected, this node is
 * registered as alive and presence is subscribed to changes; rejects (closing what it opened) when
 * Redis can't be reached within `connectTimeoutMs` (10 s). Errors after that (Redis lost and back, a malformed message)
 * are logged; nothing throws into the server.
 */
export async function connectScaleOut(options: ScaleOutOptions): Promise<ScaleOut> {
  const { url, nodeId, log } = options;
  const timeoutMs = options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
  const onError = (part: string) => (err: unknown, topic?: string) => log.warn({ err, topic, part }, 'redis: ' + part);
  const bus = await RedisBus.connect({ url, nodeId, onError: onError('bus'), connectTimeoutMs: timeoutMs });
  const redis = createConnection(url, `quickchat-state:${nodeId}`);
  let nodes: RedisNodes | null = null;
  let presence: RedisPresence | null = null;
  try {
    await connectWithin([redis], url, timeoutMs);
    nodes = await new RedisNodes({ redis, nodeId, onError: onError('nodes') }).start();
    presence = await new RedisPresence({ redis, nodes, graceMs: options.presenceGraceMs, onError: onError('presence') }).start();
  } catch (err) {
    presence?.close();
    await nodes?.close().catch(() => undefined);
    redis.disconnect();
    await bus.close();
    throw err;
  }
  const callRegistry = new RedisCallRegistry({ redis, nodeId, onError: onError('calls') });
  const liveNodes = nodes;
  const livePresence = presence;
  return {
    bus,
    presence: livePresence,
    callRegistry,
    nodes: liveNodes,
    async close() {
      livePresence.close();
      callRegistry.close();
      await liveNodes.close().catch((err: unknown) => log.warn({ err }, 'redis: leaving the node list failed'));
      await bus.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
