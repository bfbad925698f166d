import { presenceOf } from '@quickchat/sdk/presence';
import { ClientErrorCode, ErrorCode, RestClient, createClient, createStore, type ChatClient, type ClientOptions, type FetchLike, type QuickchatError, type ReadableStore, type SessionStore } from '@quickchat/sdk';
import { IndexedDBStorage } from '@quickchat/sdk/indexeddb';
import type { WidgetOptions } from '../options.js';
import { reportOriginRefused } from '../util/errors.js';
import { savedSignIn } from './saved-sign-in.js';

/** Where the built-in sign-in stands while no client is in use. */
export type SignInState = 'signed-out' | 'resuming' | 'ended';

/**
 * Owns the widget's SDK client: the host's own client, one created at once for token modes,
 * or one created by {@link Session.signIn} / {@link Session.register} for built-in accounts.
 * A built-in sign-in is remembered (see `persistSignIn`) and resumed on the next page load.
 * The current client is observable.
 */
export class Session {
  /** The signed-in client, or null. */
  readonly client: ReadableStore<ChatClient | null>;
  /** Built-in accounts, while `client` is null: resuming a saved sign-in, signed out, or ended by the server. */
  readonly signInState: ReadableStore<SignInState>;
  /** True when the widget shows its own sign-in screens. */
  readonly builtin: boolean;
  private readonly state = createStore<ChatClient | null>(null);
  private readonly stage = createStore<SignInState>('signed-out');
  private readonly url: string;
  /** The built-in sign-in's refresh token: in browser storage (see `persistSignIn`), else in memory. */
  private readonly saved: SessionStore;
  private readonly cleanups: (() => void)[] = [];
  /** Shared by this widget's clients (see clientOptions()); null where IndexedDB is missing. */
  private storage: IndexedDBStorage | null | undefined;
  private disposed = false;

  constructor(private readonly options: WidgetOptions) {
    this.client = this.state;
    this.signInState = this.stage;
    const { auth, client } = options;
    this.url = (options.url ?? '').replace(/\/+$/, '');
    this.builtin = !client && !!auth && 'mode' in auth;
    this.saved = savedSignIn(this.builtin ? (options.persistSignIn ?? 'local') : 'none', this.url) ?? memorySignIn();
    if (client) this.use(client);
    else if (auth && !('mode' in auth)) this.use(createClient({ ...this.clientOptions(), auth }));
    else if (this.saved.load()) void this.resume();
  }

  /**
   * Signs in with a built-in account; rejects (with the SDK error) when the server refuses.
   * The password is used for this one request and never kept: the client lives on the refresh
   * token, so a sign-in ended elsewhere (sign-out, revocation) really ends here too.
   */
  async signIn(handle: string, password: string): Promise<void> {
    const signedIn = await this.accounts().login(handle, password);
    this.saved.save(signedIn.tokens.refreshToken);
    await this.begin();
  }

  /** Creates a built-in account and continues signed in with it. */
  async register(handle: string, displayName: string, password: string): Promise<void> {
    const created = await this.accounts().register(handle, displayName, password);
    this.saved.save(created.tokens.refreshToken);
    await this.begin();
  }

  /** Signs out of a built-in account and returns to the sign-in screen. */
  async signOut(): Promise<void> {
    const client = this.state.getState();
    this.release();
    this.stage.update(() => 'signed-out');
    this.state.update(() => null);
    await client?.signOut().catch(() => client.close());
    const notify = this.options.onSignOut;
    if (notify) safely(notify);
  }

  /**
   * Resumes the saved sign-in. When the server no longer accepts it, the sign-in screen shows;
   * when the server can't be reached, the client keeps trying (and the outbox keeps working).
   */
  private async resume(): Promise<void> {
    this.stage.update(() => 'resuming');
    try {
      await this.begin(true);
    } catch (err) {
      // A refused origin keeps the saved sign-in (it works once the server allows the page).
      if ((err as QuickchatError).code === ErrorCode.OriginNotAllowed) reportOriginRefused();
      this.stage.update(() => 'signed-out');
    }
  }

  /**
   * Starts a client on the saved sign-in: checks it over REST, then connects and uses it.
   * `offlineOk`: keep the client when only the network failed (it keeps trying).
   */
  private async begin(offlineOk = false): Promise<void> {
    const client = createClient({ ...this.clientOptions(), auth: { session: this.saved }, autoConnect: false });
    try {
      // Check the sign-in over REST first (this also gets the first access token), so a refused
      // one is an answer here rather than a reconnect loop.
      await client.rest.me();
    } catch (err) {
      if (!(offlineOk && (err as QuickchatError).retryable)) {
        client.close();
        throw err;
      }
    }
    if (this.disposed) return client.close();
    client.connect();
    this.use(client);
  }

  /** Stops using the client; closes it unless the host passed it in. */
  dispose(): void {
    this.disposed = true;
    const client = this.state.getState();
    this.release();
    if (client && client !== this.options.client) client.close();
    this.state.update(() => null);
  }

  /**
   * Options for the widget's SDK clients: unsent messages and sync cursors persist in IndexedDB
   * where the browser has it (so a message written offline survives a reload), keyed by server;
   * the host's `clientOptions` override.
   */
  private clientOptions(): Omit<ClientOptions, 'auth'> {
    this.storage ??= IndexedDBStorage.isAvailable() ? new IndexedDBStorage({ dbName: 'quickchat-widget' }) : null;
    return { ...(this.storage ? { storage: this.storage } : {}), storageNamespace: `qc:${this.url}`, ...this.options.clientOptions, url: this.url };
  }

  private accounts(): RestClient {
    const fetchFn: FetchLike = this.options.clientOptions?.fetch ?? ((input, init) => globalThis.fetch(input, init));
    return new RestClient(this.url, fetchFn, null);
  }

  private use(client: ChatClient): void {
    // Its presence manager now, before `ready`: the SDK pushes presence states only to one that exists by then.
    presenceOf(client);
    this.state.update(() => client);
    const { onError, onReady } = this.options;
    if (onError) this.cleanups.push(client.on('error', ({ error }) => safely(() => onError(error))));
    if (this.builtin) this.cleanups.push(client.on('error', ({ error }) => error.code === ClientErrorCode.AuthFailed && !error.retryable && this.ended(client)));
    if (onReady) safely(() => onReady(client));
  }

  /** The server ended a built-in sign-in (revoked, expired): back to the sign-in screen, saying so. */
  private ended(client: ChatClient): void {
    if (this.state.getState() !== client) return;
    this.release();
    client.close();
    this.saved.save(null); // don't resume it on the next load
    this.stage.update(() => 'ended');
    this.state.update(() => null);
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

/** A sign-in kept only as long as the page lives (`persistSignIn: 'none'`, or no usable storage). */
function memorySignIn(): SessionStore {
  let token: string | null = null;
  return { load: () => token, save: (next) => void (token = next) };
}
