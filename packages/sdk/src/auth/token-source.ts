import type { AuthResponse, PublicUser } from '@quickchat/protocol';
import { ClientErrorCode, QuickchatError } from '../errors.js';

/** How the client proves who it is. */
export type AuthOption =
  /** A fixed access token (it cannot be refreshed; when it expires the client disconnects). */
  | { token: string }
  /** Bring-your-own identity: called whenever a fresh token is needed (first connect, before expiry, after an auth-expired close). */
  | { getToken: () => Promise<string> }
  /**
   * Built-in accounts: signs in with the password, then keeps the session fresh with refresh
   * tokens. With `session`, each new refresh token is saved there, so a later client can resume.
   */
  | { handle: string; password: string; session?: SessionStore }
  /**
   * Built-in accounts: resumes a sign-in saved in `session` (after a reload, or in another tab)
   * without the password. Fails with `auth_failed` (not retryable) when nothing is saved or the
   * server no longer accepts it; the saved token is then cleared.
   */
  | { session: SessionStore };

/**
 * Where a built-in sign-in keeps its refresh token (e.g. `localStorage`). Refresh tokens rotate
 * and a token spent twice ends the sign-in everywhere, so the client always reads the newest one
 * here before refreshing, and clients that share a store should implement `exclusive`.
 */
export interface SessionStore {
  /** The saved refresh token, or null. */
  load(): string | null;
  /** Saves the newest refresh token; null when the sign-in ended (signed out, revoked, expired). */
  save(refreshToken: string | null): void;
  /**
   * Runs `task` (read the token, refresh, save) while no other client sharing this store runs
   * one, e.g. with `navigator.locks`. Without it, two tabs refreshing at once can end the sign-in.
   */
  exclusive?<T>(task: () => Promise<T>): Promise<T>;
}

/** Tokens closer than this to expiry are refreshed before use (less for short-lived ones: see {@link refreshMarginMs}). */
export const REFRESH_MARGIN_MS = 30_000;

/**
 * How close to expiry `token` may get before it is refreshed: {@link REFRESH_MARGIN_MS}, or a
 * quarter of its lifetime (`exp - iat`) when that is shorter, so a token living only a few
 * seconds is still reused for most of its life instead of being refreshed before every request.
 */
export function refreshMarginMs(token: string): number {
  const { exp, iat } = jwtClaims(token);
  if (typeof exp !== 'number' || typeof iat !== 'number' || exp <= iat) return REFRESH_MARGIN_MS;
  return Math.min(REFRESH_MARGIN_MS, ((exp - iat) * 1000) / 4);
}

/** The claims of a JWT, decoded without verification (the server verifies). Empty when malformed. */
export function jwtClaims(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (!part) return {};
  try {
    const claims: unknown = JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=')));
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Reads `exp` from a JWT; null when absent or malformed. */
export function jwtExpiresAt(token: string): number | null {
  const exp = jwtClaims(token)['exp'];
  return typeof exp === 'number' ? exp * 1000 : null;
}

/** Where tokens come from, for the socket and REST alike. */
export interface TokenSource {
  /** Whether a new token can be obtained when the current one expires. */
  readonly refreshable: boolean;
  /** A valid token; refreshes when close to expiry or when `forceRefresh`. Concurrent calls share one refresh. */
  getToken(options?: { forceRefresh?: boolean }): Promise<string>;
  /** Expiry (ms since epoch) of the token last handed out, or null when unknown. */
  expiresAt(): number | null;
  /** Built-in sign-in only: the user returned by login/refresh. */
  user(): PublicUser | null;
  /** Built-in sign-in only: ends the sign-in on the server. */
  signOut(): Promise<void>;
}

/** The account calls a credentials source needs. */
export interface AccountApi {
  login(handle: string, password: string): Promise<AuthResponse>;
  refresh(refreshToken: string): Promise<AuthResponse>;
  logout(refreshToken: string): Promise<void>;
}

/** Builds the token source for an {@link AuthOption}. */
export function createTokenSource(auth: AuthOption, accounts: AccountApi, now: () => number): TokenSource {
  let current: string | null = null;
  let refreshToken: string | null = null;
  let signedIn: PublicUser | null = null;
  let inflight: Promise<string> | null = null;

  const fresh = () => current !== null && (jwtExpiresAt(current) ?? Number.POSITIVE_INFINITY) - now() > refreshMarginMs(current);

  const obtain = async (): Promise<string> => {
    if ('token' in auth) return auth.token;
    if ('getToken' in auth) {
      try {
        return await auth.getToken();
      } catch (cause) {
        throw new QuickchatError(ClientErrorCode.AuthFailed, 'getToken() failed', { cause, retryable: true });
      }
    }
    const session = auth.session;
    const renew = async (): Promise<string> => {
      // Another client sharing the store may have rotated the token since we last saw it. A
      // password sign-in starts with its own login, whatever the store holds.
      const saved = refreshToken === null && 'password' in auth ? null : (session?.load() ?? refreshToken);
      let response: AuthResponse | null = null;
      if (saved) {
        response = await accounts.refresh(saved).catch((cause: unknown) => {
          if (isRetryable(cause)) throw new QuickchatError(ClientErrorCode.AuthFailed, 'could not refresh the sign-in', { cause, retryable: true });
          session?.save(null); // revoked, expired or already spent: never try it again
          return null;
        });
      }
      if (response && signedIn && response.user.id !== signedIn.id) {
        // The store now holds another account's sign-in (the last sign-in wins): leave it be.
        session?.save(response.tokens.refreshToken);
        response = null;
      }
      if (!response) {
        if (!('password' in auth)) throw new QuickchatError(ClientErrorCode.AuthFailed, 'the saved sign-in is no longer valid', { retryable: false });
        response = await accounts.login(auth.handle, auth.password).catch((cause: unknown) => {
          throw new QuickchatError(ClientErrorCode.AuthFailed, 'sign-in failed', { cause, retryable: isRetryable(cause) });
        });
      }
      refreshToken = response.tokens.refreshToken;
      session?.save(refreshToken);
      signedIn = response.user;
      return response.tokens.accessToken;
    };
    return session?.exclusive ? session.exclusive(renew) : renew();
  };

  return {
    refreshable: !('token' in auth),
    async getToken(options = {}) {
      if (!options.forceRefresh && fresh()) return current as string;
      inflight ??= obtain().then(
        (token) => {
          current = token;
          inflight = null;
          return token;
        },
        (err: unknown) => {
          inflight = null;
          throw err;
        },
      );
      return inflight;
    },
    expiresAt: () => (current ? jwtExpiresAt(current) : null),
    user: () => signedIn,
    async signOut() {
      const session = 'session' in auth ? auth.session : undefined;
      const token = session?.load() ?? refreshToken;
      refreshToken = null;
      current = null;
      session?.save(null);
      if (token) await accounts.logout(token);
    },
  };
}

function isRetryable(err: unknown): boolean {
  return err instanceof QuickchatError ? err.retryable : true;
}
