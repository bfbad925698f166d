import type { Logger } from 'pino';
import type { Bus } from './bus/types.js';
import type { Presence } from './services/presence/presence.js';
import type { CallRegistry } from './services/calls/registry.js';
import type { NodeDirectory } from './services/nodes.js';
import { ConfigError } from './config.js';

/**
 * What several nodes share, as one package provides it (`@quickchat/bus-redis`): the bus between
 * nodes, who is online anywhere, who is in which call and which node runs it, and which nodes are
 * alive. The server closes it at `stop()`.
 */
export interface ScaleOut {
  bus: Bus;
  presence: Presence;
  callRegistry: CallRegistry;
  nodes: NodeDirectory;
  /** Stops timers and releases the connections (after the server stopped using them). */
  close(): Promise<void>;
}

/** What the server hands the package when it connects. */
export interface ScaleOutOptions {
  /** The shared Redis, `redis://` or `rediss://`. */
  url: string;
  /** This node's id (`ServiceContext.nodeId`): the origin of what it publishes, the owner of its calls. */
  nodeId: string;
  /** How long a user stays online after their last session anywhere went away (`limits.presenceGraceMs`). */
  presenceGraceMs: number;
  log: Logger;
  /** How long to wait for Redis before the start fails (default 10 s). */
  connectTimeoutMs?: number;
}

/** The module contract of a scale-out package: one function that connects and resolves when ready. */
interface ScaleOutModule {
  connectScaleOut(options: ScaleOutOptions): Promise<ScaleOut>;
}

/** The package that provides {@link ScaleOut} for `redisUrl`. Loaded by name, only when configured. */
const REDIS_PACKAGE = '@quickchat/bus-redis';

/**
 * Loads `@quickchat/bus-redis` and connects to Redis. The package is optional (a single node never
 * needs it), so it is imported by name at start; a missing package is a {@link ConfigError} that
 * says what to install. Rejects when Redis can't be reached in time.
 */
export async function connectScaleOut(options: ScaleOutOptions): Promise<ScaleOut> {
  let module: ScaleOutModule;
  try {
    module = (await import(REDIS_PACKAGE)) as ScaleOutModule;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new ConfigError(`redisUrl needs the ${REDIS_PACKAGE} package: npm install ${REDIS_PACKAGE}`);
    }
    throw err;
  }
  return module.connectScaleOut(options);
}
