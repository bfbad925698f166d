/**
 * Network fakes for widget tests that drive the REAL SDK client: a routing fetch that records
 * requests, and a WebSocket that never opens (the widget only needs to get past sign-in).
 */
import type { FetchLike, WebSocketConstructor, WebSocketLike } from '@quickchat/sdk';

export interface Recorded {
  method: string;
  path: string;
  body: unknown;
  authorization: string | undefined;
}

type Reply = { status: number; body?: unknown };
export type Route = (req: Recorded) => Reply | undefined;

/** A fetch that answers from `routes` (first non-undefined reply wins; else 404) and records every request. */
export function fakeFetch(routes: Route[]): { fetch: FetchLike; requests: Recorded[] } {
  const requests: Recorded[] = [];
  const fetch: FetchLike = async (input, init = {}) => {
    const req: Recorded = { method: init.method ?? 'GET', path: new URL(input).pathname, body: init.body ? JSON.parse(init.body) : undefined, authorization: init.headers?.['authorization'] };
    requests.push(req);
    const reply = routes.map((r) => r(req)).find((r) => r !== undefined) ?? { status: 404, body: { error: { code: 'not_found', message: 'no route' } } };
    return { status: reply.status, ok: reply.status < 300, text: async () => (reply.body === undefined ? '' : JSON.stringify(reply.body)) };
  };
  return { fetch, requests };
}

/** A WebSocket that stays CONNECTING until closed. */
export class SilentSocket implements WebSocketLike {
  static readonly instances: SilentSocket[] = [];
  readyState = 0;
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  constructor(readonly url: string) {
    SilentSocket.instances.push(this);
  }
  send(): void {
    throw new Error('not open');
  }
  close(): void {
    this.readyState = 3;
  }
}
export const SilentWebSocket = SilentSocket as unknown as WebSocketConstructor;

export function authResponse(id: string, handle: string, displayName = handle) {
  return {
    user: { id, handle, displayName, avatarUrl: null, signature: '' },
    tokens: { accessToken: `access-${id}`, accessTokenExpiresAt: Date.now() + 3_600_000, refreshToken: `refresh-${id}`, refreshTokenExpiresAt: Date.now() + 86_400_000 },
  };
}
