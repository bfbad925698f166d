/**
 * Resuming a built-in sign-in from a {@link SessionStore}, against the real server: the store
 * always holds the newest (rotated) refresh token, a new client resumes without the password,
 * clients sharing a store take turns refreshing (`exclusive`) so they never spend the same token
 * (which would end the sign-in everywhere), and a revoked or signed-out sign-in clears the store.
 */
import { describe, expect, it } from 'vitest';
import { createTokenSource } from '../../src/auth/token-source.js';
import { RestClient } from '../../src/api/rest.js';
import { ClientErrorCode, QuickchatError, dmConversationId, type ChatClient, type FetchLike, type SessionStore } from '../../src/index.js';
import { clientFor, until, usePair, type Pair } from '../support/sdk-server.js';

/** A SessionStore in memory that records what was saved; `exclusive` when `locked`. */
class RecordingStore implements SessionStore {
  token: string | null = null;
  readonly saved: (string | null)[] = [];
  private tail: Promise<unknown> = Promise.resolve();
  exclusive?: <T>(task: () => Promise<T>) => Promise<T>;

  constructor(locked: boolean) {
    if (locked) {
      this.exclusive = <T,>(task: () => Promise<T>): Promise<T> => {
        const run = this.tail.then(task, task);
        this.tail = run.catch(() => undefined);
        return run;
      };
    }
  }
  load(): string | null {
    return this.token;
  }
  save(token: string | null): void {
    this.token = token;
    this.saved.push(token);
  }
}

const fetchFn: FetchLike = (url, init) => fetch(url, init);

describe('resuming a saved built-in sign-in', () => {
  const clients: ChatClient[] = [];
  let p!: Pair;
  usePair(clients, (pair) => (p = pair));

  const track = (c: ChatClient) => (clients.push(c), c);

  it('a password sign-in saves its refresh token; a new client resumes from it without the password and sees history', async () => {
    const store = new RecordingStore(true);
    const first = track(clientFor(p.t, p.alice, { auth: { handle: p.alice.handle, password: p.alice.password, session: store } }));
    await until(first, () => first.connectionState === 'connected', 15_000, 'first connected');
    const saved = store.token;
    expect(saved).toMatch(/.{20,}/);
    const conv = dmConversationId(p.alice.id, p.bob.id);
    first.send(conv, 'before the reload');
    await until(first, () => first.messages.getState()[conv]?.items[0]?.state === 'sent', 15_000, 'sent');
    first.close(); // the page goes away without signing out

    const resumed = track(clientFor(p.t, p.alice, { auth: { session: store } }));
    await until(resumed, () => resumed.connectionState === 'connected', 15_000, 'resumed connected');
    expect(resumed.userId).toBe(p.alice.id);
    expect(store.token).not.toBe(saved); // rotated, and the newest one is what the store holds
    const page = await resumed.rest.history(conv, { limit: 10 });
    expect(page.messages.map((m) => m.content)).toEqual([{ type: 'text', text: 'before the reload' }]);
    // The spent token is refused by the server: the store must never go back to it.
    await expect(new RestClient(p.t.url, fetchFn, null).refresh(saved!)).rejects.toMatchObject({ status: 401 });
  });

  it('two clients sharing a store with exclusive() refresh at the same moment and both stay signed in', async () => {
    const store = new RecordingStore(true);
    await signInInto(store);
    const accounts = new RestClient(p.t.url, fetchFn, null);
    const a = createTokenSource({ session: store }, accounts, Date.now);
    const b = createTokenSource({ session: store }, accounts, Date.now);
    const before = store.saved.length;
    const [ta, tb] = await Promise.all([a.getToken({ forceRefresh: true }), b.getToken({ forceRefresh: true })]);
    // Two refreshes, one after the other: the second used the token the first saved.
    const rotated = store.saved.slice(before);
    expect(rotated).toHaveLength(2);
    expect(new Set(rotated).size).toBe(2);
    expect(rotated).not.toContain(null);
    // Both access tokens work, and the sign-in lives on: one more refresh succeeds.
    for (const token of [ta, tb]) expect((await new RestClient(p.t.url, fetchFn, { getToken: async () => token }).me()).id).toBe(p.alice.id);
    await expect(a.getToken({ forceRefresh: true })).resolves.toEqual(expect.any(String));
  });

  it('without exclusive(), the same race spends one token twice: the server ends the sign-in and the store is cleared', async () => {
    const store = new RecordingStore(false);
    await signInInto(store);
    const accounts = new RestClient(p.t.url, fetchFn, null);
    const a = createTokenSource({ session: store }, accounts, Date.now);
    const b = createTokenSource({ session: store }, accounts, Date.now);
    const results = await Promise.allSettled([a.getToken({ forceRefresh: true }), b.getToken({ forceRefresh: true })]);
    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed).toHaveLength(1);
    expect((failed[0] as PromiseRejectedResult).reason).toMatchObject({ code: ClientErrorCode.AuthFailed, retryable: false });
    expect(store.token).toBeNull();
  });

  it('a sign-in revoked elsewhere fails with auth_failed (not retryable) and clears the store', async () => {
    const store = new RecordingStore(true);
    await signInInto(store);
    await new RestClient(p.t.url, fetchFn, null).logout(store.token!);
    const resumed = track(clientFor(p.t, p.alice, { auth: { session: store }, autoConnect: false }));
    const error = await resumed.rest.me().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QuickchatError);
    expect(error).toMatchObject({ code: ClientErrorCode.AuthFailed, retryable: false });
    expect(store.token).toBeNull();
  });

  it("another account signing in with the same store replaces the sign-in: the first client fails (not retryable) and leaves the newcomer's token working", async () => {
    const store = new RecordingStore(true);
    await signInInto(store);
    const accounts = new RestClient(p.t.url, fetchFn, null);
    const alice = createTokenSource({ session: store }, accounts, Date.now);
    await alice.getToken({ forceRefresh: true });
    expect(alice.user()?.id).toBe(p.alice.id);
    const bob = createTokenSource({ handle: p.bob.handle, password: p.bob.password, session: store }, accounts, Date.now);
    await bob.getToken();
    expect(bob.user()?.id).toBe(p.bob.id);

    await expect(alice.getToken({ forceRefresh: true })).rejects.toMatchObject({ code: ClientErrorCode.AuthFailed, retryable: false });
    // Alice's attempt rotated bob's token and saved the new one back: bob carries on.
    expect(store.token).not.toBeNull();
    await expect(bob.getToken({ forceRefresh: true })).resolves.toEqual(expect.any(String));
    expect(bob.user()?.id).toBe(p.bob.id);
  });

  it('a network failure while resuming is retryable and keeps the saved token', async () => {
    const store = new RecordingStore(true);
    await signInInto(store);
    const saved = store.token;
    const offline: FetchLike = () => Promise.reject(new TypeError('Failed to fetch'));
    const resumed = track(clientFor(p.t, p.alice, { auth: { session: store }, fetch: offline, autoConnect: false }));
    await expect(resumed.rest.me()).rejects.toMatchObject({ code: ClientErrorCode.AuthFailed, retryable: true });
    expect(store.token).toBe(saved);
  });

  it('signOut() ends the saved sign-in on the server and clears the store', async () => {
    const store = new RecordingStore(true);
    await signInInto(store);
    const resumed = track(clientFor(p.t, p.alice, { auth: { session: store } }));
    await until(resumed, () => resumed.connectionState === 'connected', 15_000, 'resumed connected');
    const live = store.token!;
    await resumed.signOut();
    expect(store.token).toBeNull();
    await expect(new RestClient(p.t.url, fetchFn, null).refresh(live)).rejects.toMatchObject({ status: 401 });
  });

  it('a resume with nothing saved fails at once with auth_failed, without a request', async () => {
    let requests = 0;
    const counting: FetchLike = (url, init) => (requests++, fetch(url, init));
    const resumed = track(clientFor(p.t, p.alice, { auth: { session: new RecordingStore(true) }, fetch: counting, autoConnect: false }));
    await expect(resumed.rest.me()).rejects.toMatchObject({ code: ClientErrorCode.AuthFailed, retryable: false });
    expect(requests).toBe(0);
  });

  /** Signs alice in with her password, saving into `store`, then lets that client go. */
  async function signInInto(store: SessionStore): Promise<void> {
    const source = createTokenSource({ handle: p.alice.handle, password: p.alice.password, session: store }, new RestClient(p.t.url, fetchFn, null), Date.now);
    await source.getToken();
    expect(store.load()).not.toBeNull();
  }
});
