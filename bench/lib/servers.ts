import { join } from 'node:path';
import { startChild, type ChildServer } from './child.js';

/** A server under test, with its REST and socket addresses. */
export interface RunningServer extends ChildServer {
  url: string;
  wsUrl: string;
}

/** Name of the source-map dump a profiled quickchat child writes into its profile directory. */
export const SOURCE_MAPS_FILE = 'source-maps.json';

/**
 * The real quickchat server in a child process. With `cpuProfDir`, it runs under
 * `node --cpu-prof` and also leaves its source maps there (to map the profile to `.ts` lines).
 * `serverOptions` are further `createServer` options (JSON-serializable), e.g. `auth`.
 */
export async function startQuickchat(options: { cpuProfDir?: string; dataDir?: string; allowedOrigin?: string; serverOptions?: object } = {}): Promise<RunningServer> {
  const dir = options.cpuProfDir;
  const nodeArgs = dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
  const args = dir ? [`--source-maps-out=${join(dir, SOURCE_MAPS_FILE)}`] : [];
  if (options.dataDir) args.push(`--data-dir=${options.dataDir}`);
  if (options.allowedOrigin) args.push(`--allowed-origin=${options.allowedOrigin}`);
  if (options.serverOptions) args.push(`--options=${JSON.stringify(options.serverOptions)}`);
  const child = await startChild('servers/quickchat.ts', { label: 'quickchat', nodeArgs, args });
  return { ...child, url: `http://127.0.0.1:${child.port}`, wsUrl: `ws://127.0.0.1:${child.port}/ws` };
}

/** The bare `ws` relay baseline in a child process. */
export async function startRelay(): Promise<RunningServer> {
  const child = await startChild('baselines/ws-relay.ts', { label: 'relay' });
  return { ...child, url: `http://127.0.0.1:${child.port}`, wsUrl: `ws://127.0.0.1:${child.port}` };
}

/** A bare `node:http` + raw SQL read baseline on the SQLite file `dbFile`: `script` (default P6's and P6b's; S1 has its own). */
export async function startReadBaseline(dbFile: string, script = 'baselines/read-http.ts'): Promise<RunningServer> {
  const child = await startChild(script, { label: 'read-baseline', args: [`--db=${dbFile}`] });
  return { ...child, url: `http://127.0.0.1:${child.port}`, wsUrl: '' };
}

/** The bare `node:http` upload baseline (U1), writing bodies into `dir`. */
export async function startUploadBaseline(dir: string): Promise<RunningServer> {
  const child = await startChild('baselines/upload-http.ts', { label: 'upload-baseline', args: [`--dir=${dir}`] });
  return { ...child, url: `http://127.0.0.1:${child.port}`, wsUrl: '' };
}
