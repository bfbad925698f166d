// P7's Redis floor. The `redis-server` itself is the tests' own harness (RedisServer in
// packages/server/test/support/redis-server.ts): a real one on a free loopback port, no persistence.
import { connect, type Socket } from 'node:net';

/**
 * The floor of the hop a cross-node message adds: one PUBLISH of `payload` on one raw connection
 * to Redis until the message arrives on another connection SUBSCRIBEd to its channel, one at a
 * time, `count` times. Samples in milliseconds. Plain RESP over `net`, no client library.
 */
export async function redisHop(url: string, count: number, payload: string): Promise<number[]> {
  const { port } = new URL(url);
  const open = () =>
    new Promise<Socket>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: Number(port) });
      socket.setNoDelay(true);
      socket.once('connect', () => resolve(socket));
      socket.once('error', reject);
    });
  const [publisher, subscriber] = await Promise.all([open(), open()]);
  try {
    const channel = 'p7-hop';
    let waiting: ((chunk: string) => void) | null = null;
    subscriber.on('data', (chunk) => waiting?.(chunk.toString('latin1')));
    publisher.on('data', () => {}); // the PUBLISH replies (:1)
    const next = (marker: string) => new Promise<void>((resolve) => (waiting = (chunk) => chunk.includes(marker) && resolve()));
    const subscribed = next('subscribe');
    subscriber.write(`SUBSCRIBE ${channel}\r\n`);
    await subscribed;
    const samples: number[] = [];
    for (let i = 0; i < count; i++) {
      const body = `${payload}#${i}.`;
      const arrived = next(`#${i}.`);
      const t0 = performance.now();
      publisher.write(`*3\r\n$7\r\nPUBLISH\r\n$${channel.length}\r\n${channel}\r\n$${Buffer.byteLength(body)}\r\n${body}\r\n`);
      await arrived;
      samples.push(performance.now() - t0);
    }
    return samples;
  } finally {
    publisher.destroy();
    subscriber.destroy();
  }
}
