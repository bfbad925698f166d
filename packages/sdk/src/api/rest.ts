import type {
  AuthResponse,
  ConversationSummary,
  HistoryResponse,
  ProfilePatchBody,
  PublicUser,
} from '@quickchat/protocol';
import { ApiError } from '../errors.js';
import { defaultEnvironment, type Environment } from '../connection/environment.js';
import { requestJson, type FetchLike, type HttpRequest, type RequestTiming } from './http.js';

/** Supplies access tokens to authenticated calls; see `auth/token-source.ts`. */
export interface BearerSource {
  getToken(options?: { forceRefresh?: boolean }): Promise<string>;
}

/** Which page of history: the newest, or before/after a seq. */
export interface HistoryOptions {
  before?: number;
  after?: number;
  /** 1-100; default 50. */
  limit?: number;
}

/** Options of a {@link RestClient}. */
export interface RestOptions {
  /** How long a request may take before it fails with a retryable `timeout` error. Default 15 s. */
  timeoutMs?: number;
  /** The timers that measure it; default: the global ones. */
  environment?: Pick<Environment, 'setTimeout' | 'clearTimeout'>;
}

/**
 * Typed client for the REST API (`/api/openapi.json`). Authenticated calls get a token from
 * the bearer source and, when the server says it expired, refresh once and retry. Every request
 * times out (`timeoutMs`).
 */
export class RestClient {
  private readonly timing: RequestTiming;

  /** `baseUrl`: the server's origin (what paths such as `/api/…` are appended to). */
  constructor(
    readonly baseUrl: string,
    private readonly fetchFn: FetchLike,
    private readonly bearer: BearerSource | null,
    options: RestOptions = {},
  ) {
    this.timing = { timeoutMs: options.timeoutMs ?? 15_000, env: options.environment ?? defaultEnvironment() };
  }

  // ---------- built-in accounts (no token needed) ----------
  /** Creates an account and signs in. */
  register(handle: string, displayName: string, password: string): Promise<AuthResponse> {
    return this.anonymous({ method: 'POST', path: '/api/auth/register', body: { handle, displayName, password } });
  }
  /** Signs in with handle and password. */
  login(handle: string, password: string): Promise<AuthResponse> {
    return this.anonymous({ method: 'POST', path: '/api/auth/login', body: { handle, password } });
  }
  /** Rotates a refresh token. The old one stops working. */
  refresh(refreshToken: string): Promise<AuthResponse> {
    return this.anonymous({ method: 'POST', path: '/api/auth/refresh', body: { refreshToken } });
  }
  /** Ends the sign-in that owns this refresh token; its sockets close. */
  logout(refreshToken: string): Promise<void> {
    return this.anonymous({ method: 'POST', path: '/api/auth/logout', body: { refreshToken } });
  }

  // ---------- profile ----------
  /** The signed-in user. */
  me(): Promise<PublicUser> {
    return this.request({ method: 'GET', path: '/api/me' });
  }
  /** Updates display name, avatar URL and/or signature. */
  updateMe(patch: ProfilePatchBody): Promise<PublicUser> {
    return this.request({ method: 'PATCH', path: '/api/me', body: patch });
  }
  /** A user's public profile. */
  user(userId: string): Promise<PublicUser> {
    return this.request({ method: 'GET', path: `/api/users/${encodeURIComponent(userId)}` });
  }
  /** Finds a user by exact handle (case-insensitive). */
  userByHandle(handle: string): Promise<PublicUser> {
    return this.request({ method: 'GET', path: `/api/users/by-handle/${encodeURIComponent(handle)}` });
  }

  // ---------- conversations ----------
  /** Your conversations with unread counts, cursors and last message. */
  conversations(): Promise<ConversationSummary[]> {
    return this.list<ConversationSummary>('/api/conversations');
  }
  /** A page of history, ascending by seq. */
  history(conversationId: string, options: HistoryOptions = {}): Promise<HistoryResponse> {
    const query = new URLSearchParams();
    for (const key of ['before', 'after', 'limit'] as const) if (options[key] !== undefined) query.set(key, String(options[key]));
    const qs = query.toString();
    return this.request({ method: 'GET', path: `/api/conversations/${encodeURIComponent(conversationId)}/messages${qs ? `?${qs}` : ''}` });
  }

  /** GETs a list endpoint (`{ items }`) and returns its items. */
  private async list<T>(path: string): Promise<T[]> {
    return (await this.request<{ items: T[] }>({ method: 'GET', path })).items;
  }

  private anonymous<T>(req: HttpRequest): Promise<T> {
    return requestJson<T>(this.fetchFn, this.baseUrl, req, this.timing);
  }

  /**
   * A current access token, for requests the SDK's other entries make themselves (an upload with
   * progress). `forceRefresh` after the server answered 401.
   */
  token(forceRefresh = false): Promise<string> {
    if (!this.bearer) throw new ApiError('unauthenticated', 'this client has no credentials', 401);
    return this.bearer.getToken({ forceRefresh });
  }

  /**
   * An authenticated JSON request (for the SDK's other entries, such as `@quickchat/sdk/groups`):
   * resolves with the parsed body (undefined for 204), rejects with an `ApiError`. Refreshes the
   * token once when the server answers 401.
   */
  async request<T>(req: HttpRequest): Promise<T> {
    if (!this.bearer) throw new ApiError('unauthenticated', 'this client has no credentials', 401);
    try {
      return await requestJson<T>(this.fetchFn, this.baseUrl, { ...req, token: await this.bearer.getToken() }, this.timing);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) throw err;
      return requestJson<T>(this.fetchFn, this.baseUrl, { ...req, token: await this.bearer.getToken({ forceRefresh: true }) }, this.timing);
    }
  }
}
