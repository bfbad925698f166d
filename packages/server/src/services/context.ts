import type { Logger } from 'pino';
import type { Store } from '../store/types.js';
import type { Bus } from '../bus/types.js';
import type { ResolvedConfig } from '../config.js';

/** What every service gets: storage, routing, config and a logger. */
export interface ServiceContext {
  store: Store;
  bus: Bus;
  config: ResolvedConfig;
  log: Logger;
  /** Clock, injectable for tests of expiry. */
  now: () => number;
}
