/**
 * The `quickchat-server` command as installed (`bin/quickchat-server.js`): it runs the built CLI
 * when dist/ exists and the TypeScript sources otherwise; either way options reach the CLI and
 * its exit code reaches the shell.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/quickchat-server.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });

describe('quickchat-server bin', () => {
  it('--help prints the usage and exits 0', () => {
    const r = run('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: quickchat-server [options]');
  });

  it('an unknown option exits 2 with a clear message', () => {
    const r = run('--no-such-option');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("Unknown option '--no-such-option'");
  });
});
