import { Agent, request } from 'node:http';

/** A keep-alive HTTP client on one connection, so every request measures the server, not TCP setup. */
export class HttpGetter {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });

  constructor(private readonly baseUrl: string) {}

  /** GETs `path`; resolves with the status, the body text and the milliseconds it took. */
  get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; ms: number }> {
    return this.send('GET', path, headers);
  }

  /** POSTs a JSON body; resolves like {@link get}. */
  post(path: string, body: unknown): Promise<{ status: number; body: string; ms: number }> {
    return this.send('POST', path, { 'content-type': 'application/json' }, JSON.stringify(body));
  }

  /** Closes the kept-alive connection. */
  close(): void {
    this.agent.destroy();
  }

  private send(method: string, path: string, headers: Record<string, string>, payload?: string): Promise<{ status: number; body: string; ms: number }> {
    const url = new URL(path, this.baseUrl);
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method, agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
  }
}
