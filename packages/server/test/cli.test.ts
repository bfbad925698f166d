import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKeyPairSync } from 'node:crypto';
import { optionsFromCli } from '../src/cli.js';
import { ConfigError, createServer } from '../src/index.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = 'packages/server/src/main.ts';

const dirs: string[] = [];
const children: ChildProcess[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'quickchat-cli-'));
  dirs.push(dir);
  return dir;
};

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The test runner's environment without any setting the CLI reads. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('QUICKCHAT_') && k !== 'PORT' && k !== 'HOST') env[k] = v;
  return { ...env, ...extra };
}

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function runCli(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN, ...args], { cwd: REPO_ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Waits for the child to exit, failing after `timeoutMs`. */
async function exitOf(run: Run, timeoutMs = 20_000) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`CLI did not exit within ${timeoutMs} ms; stderr: ${run.stderr()}`)), timeoutMs);
  });
  try {
    return await Promise.race([run.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits for "ready at <url>" on stderr, failing on exit or after `timeoutMs`. */
async function readyUrl(run: Run, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void run.exited.then(() => (exited = true));
  for (;;) {
    const match = /ready at (http:\/\/\S+)/.exec(run.stderr());
    if (match?.[1]) return match[1];
    if (exited) throw new Error(`CLI exited before ready; stderr: ${run.stderr()}`);
    if (Date.now() > deadline) throw new Error(`CLI not ready within ${timeoutMs} ms; stderr: ${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('optionsFromCli', () => {
  it('defaults', () => {
    const o = optionsFromCli([], {});
    expect(o).toMatchObject({ port: 8787, host: '127.0.0.1', dataDir: '.quickchat', allowedOrigins: [], allowNoOrigin: false, dmPolicy: 'friends', logLevel: 'info', sqliteSynchronous: 'NORMAL' });
    expect(o.auth).toEqual({ builtinAccounts: true });
  });

  it('maps every flag', () => {
    const o = optionsFromCli(
      ['--port', '9000', '--host', '0.0.0.0', '--data-dir', '/srv/qc', '--allowed-origins', 'https://a.example, http://b.example:8080,', '--allow-no-origin', '--dm-policy', 'anyone', '--log-level', 'debug', '--sqlite-synchronous', 'full'],
      {},
    );
    expect(o).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      dataDir: '/srv/qc',
      allowedOrigins: ['https://a.example', 'http://b.example:8080'],
      allowNoOrigin: true,
      dmPolicy: 'anyone',
      logLevel: 'debug',
      sqliteSynchronous: 'FULL',
    });
  });

  it('maps every environment variable', () => {
    const o = optionsFromCli([], {
      PORT: '9001',
      HOST: '::1',
      QUICKCHAT_DATA_DIR: '/var/qc',
      QUICKCHAT_ALLOWED_ORIGINS: 'https://c.example',
      QUICKCHAT_ALLOW_NO_ORIGIN: '1',
      QUICKCHAT_DM_POLICY: 'anyone',
      QUICKCHAT_LOG_LEVEL: 'warn',
      QUICKCHAT_SQLITE_SYNCHRONOUS: 'FULL',
    });
    expect(o).toMatchObject({ port: 9001, host: '::1', dataDir: '/var/qc', allowedOrigins: ['https://c.example'], allowNoOrigin: true, dmPolicy: 'anyone', logLevel: 'warn', sqliteSynchronous: 'FULL' });
    expect(optionsFromCli([], { QUICKCHAT_ALLOW_NO_ORIGIN: '0' }).allowNoOrigin).toBe(false);
  });

  it('turns on the SQLite shared-writer mode by flag or environment (off by default)', () => {
    expect(optionsFromCli([], {}).sqliteSharedWriter).toBe(false);
    expect(optionsFromCli(['--sqlite-shared-writer'], {}).sqliteSharedWriter).toBe(true);
    expect(optionsFromCli([], { QUICKCHAT_SQLITE_SHARED_WRITER: '1' }).sqliteSharedWriter).toBe(true);
    expect(optionsFromCli([], { QUICKCHAT_SQLITE_SHARED_WRITER: '0' }).sqliteSharedWriter).toBe(false);
  });

  it('maps the secret variables to the secrets option (empty ones count as absent)', () => {
    expect(optionsFromCli([], { QUICKCHAT_JWT_SECRET: 'j'.repeat(40), QUICKCHAT_TURN_SECRET: 't'.repeat(40) }).secrets).toEqual({ jwtSecret: 'j'.repeat(40), turnSecret: 't'.repeat(40) });
    expect(optionsFromCli([], { QUICKCHAT_JWT_SECRET: '' }).secrets).toEqual({});
  });

  it('flags win over environment variables', () => {
    const env = { PORT: '1111', HOST: '10.0.0.1', QUICKCHAT_DATA_DIR: '/env', QUICKCHAT_ALLOWED_ORIGINS: 'https://env.example', QUICKCHAT_DM_POLICY: 'anyone', QUICKCHAT_LOG_LEVEL: 'warn', QUICKCHAT_SQLITE_SYNCHRONOUS: 'FULL' };
    const o = optionsFromCli(['--port', '2222', '--host', '127.0.0.1', '--data-dir', '/flag', '--allowed-origins', 'https://flag.example', '--dm-policy', 'friends', '--log-level', 'error', '--sqlite-synchronous', 'NORMAL'], env);
    expect(o).toMatchObject({ port: 2222, host: '127.0.0.1', dataDir: '/flag', allowedOrigins: ['https://flag.example'], dmPolicy: 'friends', logLevel: 'error', sqliteSynchronous: 'NORMAL' });
  });

  it('external auth from flags with a key file (trimmed), and from environment with an inline key', () => {
    const dir = tempDir();
    const keyFile = join(dir, 'hs.key');
    const secret = 's'.repeat(40);
    writeFileSync(keyFile, `${secret}\n`);
    const fromFlags = optionsFromCli(['--no-builtin-accounts', '--external-issuer', 'https://idp.example', '--external-audience', 'app', '--external-algorithm', 'HS256', '--external-key-file', keyFile], {});
    expect(fromFlags.auth).toEqual({ builtinAccounts: false, external: { issuer: 'https://idp.example', audience: 'app', algorithm: 'HS256', key: secret } });
    // The mapped options are accepted by the server as they are.
    expect(createServer(fromFlags).config.auth.external?.key).toBe(secret);

    const fromEnv = optionsFromCli([], {
      QUICKCHAT_BUILTIN_ACCOUNTS: '0',
      QUICKCHAT_EXTERNAL_ISSUER: 'https://env-idp.example',
      QUICKCHAT_EXTERNAL_AUDIENCE: 'env-app',
      QUICKCHAT_EXTERNAL_KEY: secret,
    });
    expect(fromEnv.auth).toEqual({ builtinAccounts: false, external: { issuer: 'https://env-idp.example', audience: 'env-app', algorithm: 'HS256', key: secret } });
    expect(optionsFromCli([], { QUICKCHAT_BUILTIN_ACCOUNTS: '1' }).auth?.builtinAccounts).toBe(true);

    // Flags win: the key file beats QUICKCHAT_EXTERNAL_KEY, the issuer flag beats the env issuer.
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const pemFile = join(dir, 'es.pem');
    writeFileSync(pemFile, pem);
    const mixed = optionsFromCli(['--external-issuer', 'https://flag-idp.example', '--external-algorithm', 'ES256', '--external-key-file', pemFile], {
      QUICKCHAT_EXTERNAL_ISSUER: 'https://env-idp.example',
      QUICKCHAT_EXTERNAL_AUDIENCE: 'env-app',
      QUICKCHAT_EXTERNAL_ALGORITHM: 'HS256',
      QUICKCHAT_EXTERNAL_KEY: secret,
    });
    expect(mixed.auth).toEqual({ builtinAccounts: true, external: { issuer: 'https://flag-idp.example', audience: 'env-app', algorithm: 'ES256', key: pem.trim() } });
    expect(createServer({ ...mixed, dataDir: dir }).config.auth.external?.algorithm).toBe('ES256');
  });

  it('refuses bad input with ConfigError naming the setting', () => {
    const bad: [string[], NodeJS.ProcessEnv, RegExp][] = [
      [['--port', 'abc'], {}, /port must be a number, got "abc"/],
      [[], { PORT: '80x' }, /port must be a number, got "80x"/],
      [['--port', '-1'], {}, /port/],
      [['--bogus'], {}, /bogus/],
      [['--port'], {}, /--port/],
      [['--sqlite-synchronous', 'OFF'], {}, /sqlite-synchronous must be NORMAL or FULL, got "OFF"/],
      [['--log-level', 'loud'], {}, /log-level must be one of .*got "loud"/],
      [['--external-issuer', 'https://idp.example', '--external-audience', 'app'], {}, /--external-issuer needs a key/],
      [['--external-issuer', 'https://idp.example', '--external-key-file', '/nonexistent/quickchat.key'], {}, /cannot read external key file "\/nonexistent\/quickchat.key"/],
      [['--external-issuer', 'https://idp.example'], { QUICKCHAT_EXTERNAL_KEY: 'k'.repeat(40) }, /--external-issuer needs --external-audience/],
      [['--external-audience', 'app'], {}, /--external-audience needs --external-issuer/],
    ];
    for (const [argv, env, message] of bad) {
      let error: unknown;
      try {
        optionsFromCli(argv, env);
      } catch (err) {
        error = err;
      }
      expect(error, `argv ${JSON.stringify(argv)}`).toBeInstanceOf(ConfigError);
      expect((error as Error).message, `argv ${JSON.stringify(argv)}`).toMatch(message);
    }
  });
});

describe('quickchat-server CLI process', () => {
  const badConfigs: [string, string[], RegExp][] = [
    ['non-numeric port', ['--port', 'abc'], /port must be a number, got "abc"/],
    ['out-of-range port', ['--port', '70000'], /port must be an integer 0-65535, got 70000/],
    ['unknown flag', ['--frobnicate'], /Unknown option '--frobnicate'/],
    ['unknown DM policy', ['--dm-policy', 'everyone'], /dmPolicy must be "friends" or "anyone", got "everyone"/],
    ['origin with a path', ['--allowed-origins', 'http://x.com/path'], /allowed origin "http:\/\/x\.com\/path" must be scheme:\/\/host\[:port\] with no path/],
    ['external issuer without a key', ['--external-issuer', 'https://idp.example', '--external-audience', 'app'], /--external-issuer needs a key/],
    ['builtin accounts off without external', ['--no-builtin-accounts'], /with builtin accounts disabled, auth\.external must be configured/],
    ['missing key file', ['--external-issuer', 'https://idp.example', '--external-audience', 'app', '--external-key-file', '/nonexistent/idp.key'], /cannot read external key file "\/nonexistent\/idp\.key"/],
  ];

  it.each(badConfigs)('%s: exits 2 with a clear message and creates nothing', async (_name, args, message) => {
    const dataDir = join(tempDir(), 'data');
    const run = runCli([...args, '--data-dir', dataDir]);
    const { code } = await exitOf(run);
    expect(code, run.stderr()).toBe(2);
    expect(run.stderr()).toMatch(/^quickchat-server: /);
    expect(run.stderr()).toMatch(message);
    expect(run.stderr()).toContain('Run with --help for options.');
    expect(run.stderr()).not.toMatch(/\n\s+at /); // a message, not a stack trace
    expect(existsSync(dataDir)).toBe(false);
  });

  it('--help prints usage and exits 0', async () => {
    const run = runCli(['--help']);
    const { code } = await exitOf(run);
    expect(code).toBe(0);
    expect(run.stdout()).toContain('Usage: quickchat-server [options]');
    expect(run.stdout()).toContain('--data-dir');
  });

  it('starts with flags on port 0, answers /healthz, and exits 0 on SIGTERM', async () => {
    const dataDir = join(tempDir(), 'data');
    const run = runCli(['--port', '0', '--data-dir', dataDir, '--log-level', 'warn']);
    const url = await readyUrl(run);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${url}/healthz`);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect(existsSync(join(dataDir, 'secrets.json'))).toBe(true);
    expect(existsSync(join(dataDir, 'quickchat.db'))).toBe(true);
    run.child.kill('SIGTERM');
    const { code } = await exitOf(run);
    expect(code).toBe(0);
    expect(run.stderr()).toContain('SIGTERM, shutting down');
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('starts from environment variables (PORT, QUICKCHAT_DATA_DIR) and exits 0 on SIGINT', async () => {
    const dataDir = join(tempDir(), 'env-data');
    const run = runCli([], { PORT: '0', QUICKCHAT_DATA_DIR: dataDir, QUICKCHAT_LOG_LEVEL: 'info' });
    const url = await readyUrl(run);
    const res = await fetch(`${url}/healthz`);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect(existsSync(join(dataDir, 'secrets.json'))).toBe(true);
    run.child.kill('SIGINT');
    const { code } = await exitOf(run);
    expect(code).toBe(0);
    // Logs go to stdout as JSON lines (read after exit: stdout and stderr are separate pipes).
    const listening = run
      .stdout()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { msg: string; port?: number; dataDir?: string })
      .find((l) => l.msg === 'quickchat server listening');
    expect(listening).toMatchObject({ port: Number(new URL(url).port), dataDir });
  });
});
