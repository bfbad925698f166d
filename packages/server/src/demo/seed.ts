import type { Logger } from 'pino';
import type { Store } from '../store/types.js';
import type { AccountService } from '../services/accounts.js';
import type { FriendService } from '../services/friends.js';
import type { GroupService } from '../services/groups/group-service.js';
import { verifyPassword } from '../auth/passwords.js';

/** A demo account. Its password is published on the demo page: demo mode is for local trials only. */
export interface DemoAccount {
  handle: string;
  displayName: string;
  password: string;
}

/** The accounts demo mode seeds and lists on its page: three, so a group can be tried at once. */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { handle: 'alice', displayName: 'Alice (demo)', password: 'alice-demo-password' },
  { handle: 'bob', displayName: 'Bob (demo)', password: 'bob-demo-password' },
  { handle: 'carol', displayName: 'Carol (demo)', password: 'carol-demo-password' },
];

/** The group demo mode seeds: alice owns it, bob and carol are members. */
export const DEMO_GROUP_NAME = 'Demo group';

/** What seeding needs: the store and the services that write accounts, friendships and groups. */
export interface DemoSeedDeps {
  store: Store;
  accounts: AccountService;
  friends: FriendService;
  groups: GroupService;
  log: Logger;
}

/**
 * Creates the demo accounts that are missing, makes every two of them mutual friends and gives
 * alice a group with the other two, all through the normal services (so the usual events and
 * messages are stored). Idempotent: on a data dir that already has them it changes nothing. An
 * existing account with another password, or a block between two of them, is left alone and
 * reported with a warning (the page's passwords then won't work for it).
 */
export async function seedDemo(deps: DemoSeedDeps): Promise<void> {
  const { store, log } = deps;
  const ids: string[] = [];
  for (const account of DEMO_ACCOUNTS) ids.push(await demoAccount(deps, account));
  for (let i = 0; i < ids.length; i++) {
    for (let j = i + 1; j < ids.length; j++) await befriend(deps, ids[i]!, ids[j]!);
  }
  const [owner, ...members] = ids as [string, ...string[]];
  if ((await store.countOwnedGroups(owner)) > 0) return;
  try {
    await deps.groups.create(owner, { name: DEMO_GROUP_NAME, members });
    log.info('demo mode: alice created the demo group with bob and carol');
  } catch (err) {
    log.warn({ err }, 'demo mode: could not create the demo group');
  }
}

/** The id of a demo account, registered if it is missing. */
async function demoAccount({ store, accounts, log }: DemoSeedDeps, account: DemoAccount): Promise<string> {
  const existing = await store.getUserByHandle(account.handle);
  if (existing) {
    if (!(await verifyPassword(existing.passwordHash, account.password))) {
      log.warn({ handle: account.handle }, 'demo mode: account exists with another password; its listed demo password will not work');
    }
    return existing.id;
  }
  const { user } = await accounts.register(account.handle, account.displayName, account.password);
  log.info({ handle: account.handle, userId: user.id }, 'demo mode: account created');
  return user.id;
}

/** Makes `a` and `b` mutual friends unless they are. */
async function befriend({ store, friends, log }: DemoSeedDeps, a: string, b: string): Promise<void> {
  const [mine, theirs] = await Promise.all([store.getFriendship(a, b), store.getFriendship(b, a)]);
  if (mine?.status === 'friends' && theirs?.status === 'friends') return;
  try {
    // A fresh request, or accepting b's pending one; then b accepts if it is still pending.
    const status = await friends.request(a, b, undefined);
    if (status !== 'friends') await friends.accept(b, a);
  } catch (err) {
    log.warn({ err }, 'demo mode: could not make two demo accounts friends');
  }
}
