import type { Logger } from 'pino';
import type { Store } from '../store/types.js';
import type { AccountService } from '../services/accounts.js';
import type { FriendService } from '../services/friends.js';
import { verifyPassword } from '../auth/passwords.js';

/** A demo account. Its password is published on the demo page: demo mode is for local trials only. */
export interface DemoAccount {
  handle: string;
  displayName: string;
  password: string;
}

/** The two accounts demo mode seeds and lists on its page. */
export const DEMO_ACCOUNTS: readonly [DemoAccount, DemoAccount] = [
  { handle: 'alice', displayName: 'Alice (demo)', password: 'alice-demo-password' },
  { handle: 'bob', displayName: 'Bob (demo)', password: 'bob-demo-password' },
];

/**
 * Creates the demo accounts that are missing and makes them mutual friends, through the normal
 * services (so the usual events are stored). Idempotent: on a data dir that already has them it
 * changes nothing. An existing account with another password, or a block between the two, is
 * left alone and reported with a warning (the page's passwords then won't work for it).
 */
export async function seedDemo(deps: { store: Store; accounts: AccountService; friends: FriendService; log: Logger }): Promise<void> {
  const { store, accounts, friends, log } = deps;
  const ids: string[] = [];
  for (const account of DEMO_ACCOUNTS) {
    const existing = await store.getUserByHandle(account.handle);
    if (existing) {
      if (!(await verifyPassword(existing.passwordHash, account.password))) {
        log.warn({ handle: account.handle }, 'demo mode: account exists with another password; its listed demo password will not work');
      }
      ids.push(existing.id);
    } else {
      const { user } = await accounts.register(account.handle, account.displayName, account.password);
      log.info({ handle: account.handle, userId: user.id }, 'demo mode: account created');
      ids.push(user.id);
    }
  }
  const [a, b] = ids as [string, string];
  const [mine, theirs] = await Promise.all([store.getFriendship(a, b), store.getFriendship(b, a)]);
  if (mine?.status === 'friends' && theirs?.status === 'friends') return;
  try {
    // A fresh request, or accepting b's pending one; then b accepts if it is still pending.
    const status = await friends.request(a, b, undefined);
    if (status !== 'friends') await friends.accept(b, a);
    log.info('demo mode: alice and bob are friends');
  } catch (err) {
    log.warn({ err }, 'demo mode: could not make the demo accounts friends');
  }
}
