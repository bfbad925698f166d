import type { AuthResponse, PublicUser } from '@quickchat/protocol';
import { ClientErrorCode, QuickchatError } from '../errors.js';

/** How the client proves who it is. */
export type AuthOption =
  /** A fixed access token (it cannot be refreshed; when it expires the client disconnects). */
  | { token: string }
  /** Bring-your-own identity: called whenever a fresh token is needed (first connect, before expiry, after an auth-expired close). */
  | { getToken: () => Promise<string> }
  /** Built-in accounts: signs in with the password, then keeps the session fresh with refresh tokens. */
  | { handle: string; password: string };

/** Tokens closer than this to expiry are refreshed before use. */
export const REFRESH_MARGIN_MS = 30_000;

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

  const fresh = () => current !== null && (jwtExpiresAt(current) ?? Number.POSITIVE_INFINITY) - now() > REFRESH_MARGIN_MS;

  const obtain = async (): Promise<string> => {
    if ('token' in auth) return auth.token;
    if ('getToken' in auth) {
      try {
        return await auth.getToken();
      } catch (cause) {
        throw new QuickchatError(ClientErrorCode.AuthFailed, 'getToken() failed', { cause, retryable: true });
      }
    }
    let response: AuthResponse | null = null;
    if (refreshToken) response = await accounts.refresh(refreshToken).catch(() => null);
    response ??= await accounts.login(auth.handle, auth.password).catch((cause: unknown) => {
      throw new QuickchatError(ClientErrorCode.AuthFailed, 'sign-in failed', { cause, retryable: isRetryable(cause) });
    });
    refreshToken = response.tokens.refreshToken;
    signedIn = response.user;
    return response.tokens.accessToken;
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
      const token = refreshToken;
      refreshToken = null;
      current = null;
      if (token) await accounts.logout(token);
    },
  };
}

function isRetryable(err: unknown): boolean {
  return err instanceof QuickchatError ? err.retryable : true;
}
