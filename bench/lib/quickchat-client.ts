import WebSocket from 'ws';
import type { AuthResponse } from '@quickchat/protocol';

/** A registered benchmark user. */
export interface BenchUser {
  id: string;
  token: string;
}

async function post<T>(url: string, body: unknown, token?: string): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers['authorization'] = `Bearer ${token}`;
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Registers `count` users (REST), a few at a time since each hashes a password. */
export async function registerUsers(baseUrl: string, count: number, prefix = 'bench'): Promise<BenchUser[]> {
  const users: BenchUser[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const body = { handle: `${prefix}_${i}`, displayName: `${prefix} ${i}`, password: 'benchmark password' };
      const res = await post<AuthResponse>(`${baseUrl}/api/auth/register`, body);
      users[i] = { id: res.user.id, token: res.tokens.accessToken };
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, count) }, worker));
  return users;
}

/** Makes two users mutual friends: a request, then the peer's accept. */
export async function befriend(baseUrl: string, a: BenchUser, b: BenchUser): Promise<void> {
  await post(`${baseUrl}/api/friend-requests`, { userId: b.id }, a.token);
  const res = await post<{ status: string }>(`${baseUrl}/api/friend-requests/${a.id}/accept`, {}, b.token);
  if (res.status !== 'friends') throw new Error(`accept gave status ${res.status}`);
}

/** Opens a raw `ws` socket; rejects on error or after `timeoutMs`. */
export function openSocket(url: string, timeoutMs = 10_000): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const timer = setTimeout(() => (ws.terminate(), reject(new Error(`open ${url}: timed out`))), timeoutMs);
    ws.once('open', () => (clearTimeout(timer), resolve(ws)));
    ws.once('error', (err) => (clearTimeout(timer), reject(err)));
  });
}

/** Opens a socket and authenticates; resolves after the `ready` frame. */
export async function connectUser(wsUrl: string, user: BenchUser, timeoutMs = 10_000): Promise<WebSocket> {
  const ws = await openSocket(wsUrl, timeoutMs);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('auth: no ready frame')), timeoutMs);
    ws.once('message', (data: Buffer) => {
      clearTimeout(timer);
      const frame = JSON.parse(data.toString()) as { type: string };
      if (frame.type === 'ready') resolve();
      else reject(new Error(`auth failed: ${data.toString()}`));
    });
    ws.send(JSON.stringify({ type: 'auth', token: user.token }));
  });
  return ws;
}

/** Closes sockets without waiting for the closing handshake. */
export function closeAll(sockets: Iterable<WebSocket>): void {
  for (const ws of sockets) ws.terminate();
}
