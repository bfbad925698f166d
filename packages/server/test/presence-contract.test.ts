import { LocalPresence } from '../src/services/presence/local-presence.js';
import { runPresenceContract } from './presence-contract/index.js';

// The one-node presence: the driven presence is its own watcher, and nothing is asynchronous.
runPresenceContract('LocalPresence', async ({ graceMs, now, timers }) => {
  const presence = new LocalPresence({ graceMs, now, timers });
  return { presence, watcher: presence, settle: async () => {}, close: async () => presence.close() };
});
