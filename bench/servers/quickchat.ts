// Runs the real quickchat server (createServer) for the benchmarks: temp data dir (or
// `--data-dir=<dir>`, e.g. one seeded beforehand, which is then kept), port 0, 127.0.0.1, rate
// limits raised so the load generator is never throttled. Prints `PORT <n>`.
// Start it through `startQuickchat` (bench/lib/servers.ts), which can add `--cpu-prof`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from '../../packages/server/src/app.js';
import type { ServerOptions } from '../../packages/server/src/config.js';
import { exitWhenTold } from '../lib/child-main.js';
import { dumpSourceMaps } from '../lib/source-maps.js';

/** `--source-maps-out=<file>`: when profiled, write the loaded files' source maps there on exit. */
const sourceMapsOut = process.argv.find((a) => a.startsWith('--source-maps-out='))?.split('=')[1];

/** `--data-dir=<dir>`: serve an existing (seeded) data directory instead of a fresh temporary one. */
const givenDataDir = process.argv.find((a) => a.startsWith('--data-dir='))?.slice('--data-dir='.length);
const dataDir = givenDataDir ?? mkdtempSync(join(tmpdir(), 'quickchat-bench-'));
/**
 * `--options=<json>`: more `createServer` options (e.g. P2's bring-your-own-identity `auth`);
 * its `limits` are merged over the raised ones below.
 */
const extra = JSON.parse(process.argv.find((a) => a.startsWith('--options='))?.slice('--options='.length) ?? '{}') as Partial<ServerOptions>;
/** `--allowed-origin=<origin>` (repeatable): a browser page's origin allowed to connect (B1's host page). */
const allowedOrigins = process.argv.filter((a) => a.startsWith('--allowed-origin=')).map((a) => a.slice('--allowed-origin='.length));
const server = createServer({
  port: 0,
  host: '127.0.0.1',
  dataDir,
  logLevel: 'warn',
  allowNoOrigin: true,
  ...(allowedOrigins.length > 0 ? { allowedOrigins } : {}),
  ...extra,
  limits: {
    messagesPerSecond: 1e9,
    messageBurst: 1e9,
    maxQueueBytes: 512 * 1024 * 1024,
    authAttemptsPerMinute: 1e6,
    connectionsPerIp: 100_000,
    httpConnectionsPerIp: 100_000,
    ...extra.limits,
  },
});

const { port } = await server.start();
console.log(`PORT ${port}`);

exitWhenTold(async () => {
  await server.stop();
  if (sourceMapsOut) dumpSourceMaps(sourceMapsOut, ['server', 'protocol'].map((p) => fileURLToPath(new URL(`../../packages/${p}/src`, import.meta.url))));
  if (!givenDataDir) rmSync(dataDir, { recursive: true, force: true });
});
