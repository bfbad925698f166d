/** The subset of the WebSocket API the SDK uses; browsers' `WebSocket` and Node's `ws` fit. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

/** A WebSocket constructor (`WebSocket` in browsers, `import WebSocket from 'ws'` in Node). */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** `WebSocket.OPEN`. */
export const WS_OPEN = 1;

/** The platform WebSocket, if any (browsers, Node ≥ 22, Deno, Bun). */
export function platformWebSocket(): WebSocketConstructor | undefined {
  return (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
}
