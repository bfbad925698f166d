import type { AuthResponse, FriendshipStatus } from '@quickchat/protocol';

/** Result of a REST call: status and parsed JSON body (undefined for 204). */
export interface RestResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** Minimal REST client for tests. */
export class Rest {
  constructor(readonly baseUrl: string) {}

  async call<T = any>(method: string, path: string, options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}): Promise<RestResult<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) {
      body = options.rawBody;
      headers['content-type'] ??= 'application/json';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(this.baseUrl + path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as T) : (undefined as T), headers: res.headers };
  }

  /** Registers a user; throws unless 201. */
  async register(handle: string, password = 'correct horse battery', displayName = handle): Promise<TestUser> {
    const res = await this.call<AuthResponse>('POST', '/api/auth/register', { body: { handle, displayName, password } });
    if (res.status !== 201) throw new Error(`register ${handle} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return { id: res.body.user.id, handle, token: res.body.tokens.accessToken, refreshToken: res.body.tokens.refreshToken, password };
  }

  /** Makes two users mutual friends; throws on failure. */
  async befriend(a: TestUser, b: TestUser): Promise<void> {
    const req = await this.call<{ status: FriendshipStatus }>('POST', '/api/friend-requests', { token: a.token, body: { userId: b.id } });
    if (req.status !== 200) throw new Error(`friend request failed: ${req.status} ${JSON.stringify(req.body)}`);
    const acc = await this.call<{ status: FriendshipStatus }>('POST', `/api/friend-requests/${a.id}/accept`, { token: b.token });
    if (acc.status !== 200 || acc.body.status !== 'friends') throw new Error(`accept failed: ${acc.status} ${JSON.stringify(acc.body)}`);
  }
}

/** A registered user with live credentials. */
export interface TestUser {
  id: string;
  handle: string;
  token: string;
  refreshToken: string;
  password: string;
}
