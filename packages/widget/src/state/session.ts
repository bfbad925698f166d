import { RestClient, createClient, createStore, type ChatClient, type FetchLike, type ReadableStore } from '@quickchat/sdk';
import type { WidgetOptions } from '../options.js';

/**
 * Owns the widget's SDK client: the host's own client, one created at once for token modes,
 * or one created by {@link Session.signIn} / {@link Session.register} for built-in accounts.
 * The current client is observable.
 */
export class Session {
  /** The signed-in client, or null. */
  readonly client: ReadableStore<ChatClient | null>;
  /** True when the widget shows its own sign-in screens. */
  readonly builtin: boolean;
  private readonly state = createStore<ChatClient | null>(null);
  private readonly url: string;
  private readonly cleanups: (() => void)[] = [];
  private disposed = false;

  constructor(private readonly options: WidgetOptions) {
    this.client = this.state;
    const { auth, client } = options;
    this.url = (options.url ?? '').replace(/\/+$/, '');
    this.builtin = !client && !!auth && 'mode' in auth;
    if (client) this.use(client);
    else if (auth && !('mode' in auth)) this.use(createClient({ ...options.clientOptions, url: this.url, auth }));
  }

  /** Signs in with a built-in account; rejects (with the SDK error) when the server refuses. */
  async signIn(handle: string, password: string): Promise<void> {
    const client = createClient({ ...this.options.clientOptions, url: this.url, auth: { handle, password }, autoConnect: false });
    try {
      // Sign in over REST first, so a wrong password is an answer here rather than a reconnect loop.
      await client.rest.me();
    } catch (err) {
      client.close();
      throw err;
    }
    if (this.disposed) return client.close();
    client.connect();
    this.use(client);
  }

  /** Creates a built-in account, then signs in with it. */
  async register(handle: string, displayName: string, password: string): Promise<void> {
    const fetchFn: FetchLike = this.options.clientOptions?.fetch ?? ((input, init) => globalThis.fetch(input, init));
    const accounts = new RestClient(this.url, fetchFn, null);
    const created = await accounts.register(handle, displayName, password);
    // The client signs in on its own; end the sign-in that registration opened.
    void accounts.logout(created.tokens.refreshToken).catch(() => undefined);
    await this.signIn(handle, password);
  }

  /** Signs out of a built-in account and returns to the sign-in screen. */
  async signOut(): Promise<void> {
    const client = this.state.getState();
    this.release();
    this.state.update(() => null);
    await client?.signOut().catch(() => client.close());
    const notify = this.options.onSignOut;
    if (notify) safely(notify);
  }

  /** Stops using the client; closes it unless the host passed it in. */
  dispose(): void {
    this.disposed = true;
    const client = this.state.getState();
    this.release();
    if (client && client !== this.options.client) client.close();
    this.state.update(() => null);
  }

  private use(client: ChatClient): void {
    this.state.update(() => client);
    const { onError, onReady } = this.options;
    if (onError) this.cleanups.push(client.on('error', ({ error }) => safely(() => onError(error))));
    if (onReady) safely(() => onReady(client));
  }

  private release(): void {
    for (const stop of this.cleanups.splice(0)) stop();
  }
}

/** Runs a host callback; its exceptions must not break the widget. */
export function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // ignored on purpose: host callbacks are not ours to fail
  }
}
