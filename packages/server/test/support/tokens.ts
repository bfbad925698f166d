import type { ServerFrame } from '@quickchat/protocol';
import { RawClient, type CloseInfo } from './ws-client.js';

/** The claims of a JWT, decoded without verification. */
export function decodeJwt(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (payload === undefined) throw new Error(`not a JWT: ${token}`);
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Builds a JWT by hand (for `alg: none` and other tokens a library refuses to sign). */
export function rawJwt(header: Record<string, unknown>, payload: Record<string, unknown>, signature = ''): string {
  const part = (o: Record<string, unknown>) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part(header)}.${part(payload)}.${signature}`;
}

/** Polls a condition every few ms until it holds; throws after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Opens a socket, authenticates with `token` and waits for the server to close it. If the
 * server accepts the token instead (`ready`), the socket is closed by the client and the
 * result's close code is 1000 with the `ready` frame among `frames`, so the caller's
 * assertion fails at once instead of timing out.
 */
export async function authAndWaitClose(wsUrl: string, token: string): Promise<{ frames: ServerFrame[]; close: CloseInfo }> {
  const client = await RawClient.open(wsUrl);
  client.send({ type: 'auth', token });
  const accepted = new Promise<void>((resolve) => {
    client.ws.on('message', (data) => {
      if ((JSON.parse(data.toString()) as ServerFrame).type === 'ready') resolve();
    });
  });
  const close = await Promise.race([client.closed, accepted.then(() => client.close()).then(() => client.closed)]);
  return { frames: client.frames, close };
}
