import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type QuickchatServer } from '../../src/app.js';
import type { ServerOptions } from '../../src/config.js';

/** A real server on port 0 with a real SQLite file in a fresh temporary directory. */
export interface TestServer {
  server: QuickchatServer;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `ws://127.0.0.1:<port>/ws` */
  wsUrl: string;
  dataDir: string;
  /** Path of the SQLite database file. */
  dbFile: string;
  /** Stops the server and deletes the data directory. */
  stop(): Promise<void>;
}

/** Starts a server for a test. Sockets without Origin are allowed unless overridden. */
export async function startTestServer(overrides: Partial<ServerOptions> = {}): Promise<TestServer> {
  const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), 'quickchat-test-'));
  const server = createServer({ port: 0, logLevel: 'silent', allowNoOrigin: true, ...overrides, dataDir });
  const { port } = await server.start();
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    dataDir,
    dbFile: join(dataDir, 'quickchat.db'),
    async stop() {
      await server.stop();
      if (!overrides.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
