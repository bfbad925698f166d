import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateSecrets } from '../src/data-dir.js';

const DATA_DIR_MODULE = fileURLToPath(new URL('../src/data-dir.ts', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'qc-secrets-'));
  dirs.push(dir);
  return dir;
};

/** Loads the secrets in a separate Node process (as a second server node would) and resolves its jwtSecret. */
function loadInChild(dir: string): Promise<string> {
  const script = `import { loadOrCreateSecrets } from ${JSON.stringify(DATA_DIR_MODULE)}; process.stdout.write(loadOrCreateSecrets(${JSON.stringify(dir)}).jwtSecret);`;
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`child failed (${code}): ${err}`)))));
}

describe('dev secrets in a data directory shared by several processes', () => {
  it('processes starting at once on a fresh data directory all end up with the same secrets', async () => {
    const dir = freshDir();
    const secrets = await Promise.all(Array.from({ length: 4 }, () => loadInChild(dir)));
    expect(new Set(secrets).size).toBe(1);
    expect(secrets[0]).toBe(JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8')).jwtSecret);
    expect(statSync(join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    // No temporary file is left behind.
    expect(readdirSync(dir)).toEqual(['secrets.json']);
  });

  it('an older file missing a secret keeps the secrets it has and gains the missing one', () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'secrets.json'), JSON.stringify({ jwtSecret: 'j'.repeat(43), turnSecret: 't'.repeat(43) }));
    const secrets = loadOrCreateSecrets(dir);
    expect(secrets.jwtSecret).toBe('j'.repeat(43));
    expect(secrets.fileLinkSecret).toMatch(/^[\w-]{43}$/);
    expect(JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8')).fileLinkSecret).toBe(secrets.fileLinkSecret);
    expect(readdirSync(dir)).toEqual(['secrets.json']);
  });
});
