import type { Logger } from 'pino';
import type { Store } from '../store/types.js';
import type { Bus } from '../bus/types.js';
import type { ResolvedConfig } from '../config.js';

/** What every service gets: storage, routing, config, a logger and this node's identity. */
export interface ServiceContext {
  /**
   * This server node's id, new at every start: what other nodes address it by (calls it owns,
   * its liveness), and the owner noted on what it alone runs (see `CallJournalStore`).
   */
  nodeId: string;
  store: Store;
  bus: Bus;
  config: ResolvedConfig;
  log: Logger;
  /** Clock, injectable for tests of expiry. */
  now: () => number;
}
