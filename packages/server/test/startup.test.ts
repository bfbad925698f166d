import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import jwt from 'jsonwebtoken';
import { ConfigError, createServer, type QuickchatServer } from '../src/index.js';
import { Rest } from './support/rest.js';
import { RawClient } from './support/ws-client.js';

const INDEX_URL = pathToFileURL(fileURLToPath(new URL('../src/index.ts', import.meta.url))).href;
const TSX_LOADER_URL = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

const dirs: string[] = [];
const servers: QuickchatServer[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'quickchat-startup-'));
  dirs.push(dir);
  return dir;
};
/** A server that the test cleans up even when an assertion fails. */
const make = (dataDir: string, extra: Partial<Parameters<typeof createServer>[0]> = {}) => {
  const server = createServer({ port: 0, logLevel: 'silent', allowNoOrigin: true, dataDir, ...extra });
  servers.push(server);
  return server;
};
const savedEnv = { jwt: process.env['QUICKCHAT_JWT_SECRET'] };

afterEach(async () => {
  if (savedEnv.jwt === undefined) delete process.env['QUICKCHAT_JWT_SECRET'];
  else process.env['QUICKCHAT_JWT_SECRET'] = savedEnv.jwt;
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs `node -e <code>` with the tsx loader; resolves with exit code and output (bounded). */
function runNode(code: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 20_000): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', TSX_LOADER_URL, '--input-type=module', '-e', code], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child did not exit within ${timeoutMs} ms (an open handle keeps it alive?); stderr: ${stderr}`));
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ code: exitCode, signal, stdout, stderr });
    });
  });
}

describe('startup and shutdown', () => {
  it('importing the package has no side effects: no files, no open handles, the process exits by itself', async () => {
    const cwd = tempDir();
    const dataDir = join(tempDir(), 'data');
    const code = `
      const before = process.getActiveResourcesInfo();
      const mod = await import(${JSON.stringify(INDEX_URL)});
      const after = process.getActiveResourcesInfo();
      const left = [...before];
      const added = after.filter((r) => { const i = left.indexOf(r); if (i === -1) return true; left.splice(i, 1); return false; });
      console.log(JSON.stringify({ added, exports: Object.keys(mod).sort() }));
    `;
    const res = await runNode(code, cwd, { ...process.env, QUICKCHAT_DATA_DIR: dataDir, HOME: cwd });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout.trim()) as { added: string[]; exports: string[] };
    expect(out.added).toEqual([]);
    expect(out.exports).toEqual(expect.arrayContaining(['createServer', 'ConfigError', 'DEFAULT_LIMITS', 'LocalBus', 'openSqliteStore', 'SERVER_VERSION']));
    expect(readdirSync(cwd)).toEqual([]);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('createServer() touches nothing until start(); bad config throws ConfigError and creates nothing', async () => {
    const dataDir = join(tempDir(), 'not-yet');
    const server = make(dataDir);
    expect(existsSync(dataDir)).toBe(false);
    expect(server.port).toBe(0);
    expect(server.url).toBe('');
    await server.stop(); // stop before start is a no-op
    expect(existsSync(dataDir)).toBe(false);
    expect(() => createServer({ dataDir, port: 70_000 })).toThrow(ConfigError);
    expect(existsSync(dataDir)).toBe(false);

    const { port, url } = await server.start();
    expect(port).toBeGreaterThan(0);
    expect(url).toBe(`http://127.0.0.1:${port}`);
    expect(server.port).toBe(port);
    expect(server.url).toBe(url);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(existsSync(join(dataDir, 'quickchat.db'))).toBe(true);
  });

  it('GET /healthz answers {status:"ok"} and GET / serves the HTML status page', async () => {
    const server = make(tempDir());
    const { url } = await server.start();
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('quickchat server is running');
    expect(html).toContain('/api/openapi.json');
  });

  it('start/stop/start on the same instance and data dir works; stop is idempotent; data survives', async () => {
    const dataDir = tempDir();
    const server = make(dataDir);
    const first = await server.start();
    const alice = await new Rest(first.url).register('alice');
    await Promise.all([server.stop(), server.stop()]);
    await server.stop();
    await expect(fetch(`${first.url}/healthz`)).rejects.toThrow();
    expect(server.port).toBe(0);

    const second = await server.start();
    const rest = new Rest(second.url);
    expect((await rest.call('GET', '/healthz')).body).toEqual({ status: 'ok' });
    const me = await rest.call('GET', '/api/me', { token: alice.token });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(alice.id);
    await server.stop();
    await server.stop();
    await expect(fetch(`${second.url}/healthz`)).rejects.toThrow();
  });

  it('a second start() while running or starting is refused and leaves one server', async () => {
    const server = make(tempDir());
    const results = await Promise.allSettled([server.start(), server.start()]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    await expect(server.start()).rejects.toThrow(/already started/);
    const { port } = (results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ port: number }>).value;
    expect(server.port).toBe(port);
    await server.stop();
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('a failed start (port in use) rejects, and the same instance can start later', async () => {
    const dataDir = tempDir();
    const holder = make(tempDir());
    const { port } = await holder.start();
    const server = make(dataDir, { port });
    await expect(server.start()).rejects.toThrow(/EADDRINUSE/);
    expect(server.port).toBe(0);
    await holder.stop();
    const again = await server.start();
    expect(again.port).toBe(port);
    expect((await new Rest(again.url).call('GET', '/healthz')).body).toEqual({ status: 'ok' });
  });

  it('generates dev secrets on first run (secrets.json, mode 0600) and reuses them: tokens survive a restart', async () => {
    delete process.env['QUICKCHAT_JWT_SECRET'];
    const dataDir = tempDir();
    const secretsFile = join(dataDir, 'secrets.json');
    const a = make(dataDir);
    const { url } = await a.start();
    expect(statSync(secretsFile).mode & 0o777).toBe(0o600);
    const secrets = JSON.parse(readFileSync(secretsFile, 'utf8')) as { jwtSecret: string; turnSecret: string };
    expect(Buffer.from(secrets.jwtSecret, 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(Buffer.from(secrets.turnSecret, 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(secrets.jwtSecret).not.toBe(secrets.turnSecret);
    const alice = await new Rest(url).register('alice');
    // The access token is signed with the stored secret.
    expect(() => jwt.verify(alice.token, secrets.jwtSecret, { algorithms: ['HS256'] })).not.toThrow();
    await a.stop();

    const b = make(dataDir);
    const restarted = await b.start();
    expect(readFileSync(secretsFile, 'utf8')).toBe(JSON.stringify(secrets, null, 2) + '\n');
    const rest = new Rest(restarted.url);
    const me = await rest.call('GET', '/api/me', { token: alice.token });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(alice.id);
    const client = await RawClient.connect(restarted.url.replace('http', 'ws') + '/ws', alice.token);
    expect(client.frames[0]).toMatchObject({ type: 'ready', userId: alice.id });
    await client.close();
    const refreshed = await rest.call('POST', '/api/auth/refresh', { body: { refreshToken: alice.refreshToken } });
    expect(refreshed.status).toBe(200);

    // A different data dir has different secrets: the token is not valid there.
    const other = make(tempDir());
    const otherUrl = (await other.start()).url;
    expect((await new Rest(otherUrl).call('GET', '/api/me', { token: alice.token })).status).toBe(401);
  });

  it('a jwtSecret option overrides the stored secret and is never written to disk; the environment is not read', async () => {
    const given = 'given-secret-' + 'x'.repeat(40);
    const dataDir = tempDir();
    const a = make(dataDir, { secrets: { jwtSecret: given } });
    const { url } = await a.start();
    const alice = await new Rest(url).register('alice');
    expect(jwt.verify(alice.token, given, { algorithms: ['HS256'] })).toMatchObject({ sub: alice.id });
    const stored = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as { jwtSecret: string };
    expect(stored.jwtSecret).not.toBe(given);
    expect(readFileSync(join(dataDir, 'secrets.json'), 'utf8')).not.toContain(given);
    expect(() => jwt.verify(alice.token, stored.jwtSecret, { algorithms: ['HS256'] })).toThrow();
    await a.stop();

    // Without the option, the stored secret is used again, even with the variable set: only
    // the CLI reads the environment (see cli.test.ts).
    process.env['QUICKCHAT_JWT_SECRET'] = given;
    try {
      const b = make(dataDir);
      const rest = new Rest((await b.start()).url);
      const me = await rest.call('GET', '/api/me', { token: alice.token });
      expect(me.status).toBe(401);
      expect(me.body.error.code).toBe('unauthenticated');
    } finally {
      delete process.env['QUICKCHAT_JWT_SECRET'];
    }
  });

  it('a corrupt secrets.json fails start with a message naming the file, and nothing is served', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'secrets.json'), '{not json');
    const server = make(dataDir);
    await expect(server.start()).rejects.toThrow(/secrets\.json is not valid JSON/);
    expect(server.port).toBe(0);
    expect(readFileSync(join(dataDir, 'secrets.json'), 'utf8')).toBe('{not json');
  });
});
