import { Redis } from 'ioredis';

/** First reconnect delay; each further attempt doubles it, up to {@link RETRY_CAP_MS}. */
const RETRY_START_MS = 50;
/** The longest wait between two reconnect attempts: a returning Redis is noticed within this. */
const RETRY_CAP_MS = 2000;

/** ioredis `retryStrategy`: never give up, 50 ms doubling to 2 s. */
export function backoff(attempt: number): number {
  return Math.min(RETRY_START_MS * 2 ** Math.max(0, attempt - 1), RETRY_CAP_MS);
}

/** `url` without its password, fit for logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '';
    return parsed.toString();
  } catch {
    return '(unparsable Redis URL)';
  }
}

/**
 * An ioredis connection that the caller drives itself: it connects only when asked, reconnects
 * forever with {@link backoff}, and never queues, retries or re-sends commands behind the
 * caller's back (the bus keeps its own bounded queue and re-subscribes itself, so it knows what
 * was sent and when an outage is over).
 */
export function createConnection(url: string, name: string): Redis {
  return new Redis(url, {
    lazyConnect: true,
    connectionName: name,
    disableClientInfo: true,
    retryStrategy: backoff,
    enableOfflineQueue: false,
    autoResubscribe: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: null,
  });
}

/**
 * Connects `connections` and resolves once all are ready; rejects, naming the URL (without its
 * password) and the last connection error, if that takes longer than `timeoutMs`. The
 * connections keep retrying after a rejection until the caller disconnects them.
 */
export async function connectWithin(connections: Redis[], url: string, timeoutMs: number): Promise<void> {
  let lastError: Error | null = null;
  const noteError = (err: Error) => (lastError = err);
  for (const connection of connections) connection.on('error', noteError);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.all(connections.map((connection) => ready(connection))),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const cause = lastError ? `: ${(lastError as Error).message}` : '';
          reject(new Error(`Redis at ${redactUrl(url)} could not be reached within ${timeoutMs} ms${cause}`));
        }, timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    for (const connection of connections) connection.off('error', noteError);
  }
}

/** Resolves once `connection` is ready (starting it if it has not been started). */
function ready(connection: Redis): Promise<void> {
  if (connection.status === 'ready') return Promise.resolve();
  const isReady = new Promise<void>((resolve) => connection.once('ready', () => resolve()));
  // A failed first attempt rejects here, but ioredis keeps retrying; `ready` is what counts.
  if (connection.status === 'wait') connection.connect().catch(() => {});
  return isReady;
}
