import type { SessionStore } from '@quickchat/sdk';
import type { PersistSignIn } from '../options.js';

/**
 * A {@link SessionStore} in the browser's storage, keyed by server URL. Tabs sharing it take
 * turns refreshing through Web Locks (where available), so two tabs never spend the same
 * refresh token. Returns null when persistence is off or the storage is unusable (e.g. blocked
 * in a sandboxed frame): the widget then simply doesn't remember the sign-in.
 */
export function savedSignIn(kind: PersistSignIn, serverUrl: string): SessionStore | null {
  if (kind === 'none') return null;
  const key = `quickchat:sign-in:${serverUrl}`;
  let storage: Storage;
  try {
    storage = kind === 'tab' ? globalThis.sessionStorage : globalThis.localStorage;
    storage.getItem(key);
  } catch {
    return null;
  }
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  return {
    load: () => attempt(() => storage.getItem(key), null),
    save: (token) => attempt(() => (token === null ? storage.removeItem(key) : storage.setItem(key, token)), undefined),
    exclusive: <T,>(task: () => Promise<T>): Promise<T> => (locks ? locks.request(key, task) : task()),
  };
}

/** Storage can throw (quota, privacy modes); a failure there must not break chatting. */
function attempt<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}
