import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TurnCredentialsResponse } from '@quickchat/protocol';
import { rollupPackages, type PackageDists } from '../../widget/test/support/bundle.js';
import { startTestServer, type TestServer } from './support/server.js';
import { Rest } from './support/rest.js';

/** Every file under `dir`, recursively. */
const filesUnder = (dir: string): string[] => readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));

/** Words that would mean secret-handling code, or a secret, made it into browser code. */
const FORBIDDEN = ['turnSecret', 'TURN_SECRET', 'static-auth-secret', 'secrets.json'];

describe('no TURN secret reaches a browser', () => {
  const secret = `turn-secret-${randomBytes(16).toString('hex')}`;
  let dists: PackageDists;
  let t: TestServer;
  const savedEnv = process.env['QUICKCHAT_TURN_SECRET'];

  beforeAll(async () => {
    // Configured the way an operator would, while the browser bundles are built: a build that read
    // the environment (a define, a replace plugin) would carry it in.
    process.env['QUICKCHAT_TURN_SECRET'] = secret;
    dists = await rollupPackages();
    const widgetBundle = join(dists.widget, 'quickchat-widget.js');
    t = await startTestServer({ secrets: { turnSecret: secret }, turn: { urls: ['turn:127.0.0.1:3478?transport=udp'] }, demo: { widgetBundle } });
  }, 120_000);
  afterAll(async () => {
    if (savedEnv === undefined) delete process.env['QUICKCHAT_TURN_SECRET'];
    else process.env['QUICKCHAT_TURN_SECRET'] = savedEnv;
    await t?.stop();
    dists?.dispose();
  });

  it('the built protocol, SDK and widget bundles (npm and script-tag) hold neither the secret nor secret-handling names', () => {
    const files = [dists.protocol, dists.sdk, dists.widget].flatMap(filesUnder).filter((f) => /\.(c|m)?js$/.test(f));
    expect(files.length).toBeGreaterThan(3);
    expect(files.some((f) => f.endsWith('quickchat-widget.js'))).toBe(true);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(text.includes(secret), file).toBe(false);
      for (const word of FORBIDDEN) expect(text.includes(word), `${file} contains ${word}`).toBe(false);
    }
  });

  it('nothing the server serves to a browser holds it: demo page, scripts, status, OpenAPI, the credentials themselves', async () => {
    const rest = new Rest(t.url);
    const user = await rest.register('turnprobe');
    const lazy = readdirSync(dists.widget).filter((f) => /^quickchat-widget-[\w-]+\.js$/.test(f));
    const paths = ['/', '/demo.js', '/demo.css', '/status', '/api/openapi.json', '/quickchat-widget.js', ...lazy.map((f) => `/${f}`)];
    for (const path of paths) {
      const res = await fetch(t.url + path);
      expect(res.status, path).toBe(200);
      const text = await res.text();
      expect(text.includes(secret), path).toBe(false);
      expect(text.includes('turnSecret'), path).toBe(false);
    }
    const creds = await rest.call<TurnCredentialsResponse>('GET', '/api/turn-credentials', { token: user.token });
    expect(creds.status).toBe(200);
    expect(creds.body.turn).toBe(true);
    expect(JSON.stringify(creds.body).includes(secret)).toBe(false);
  });
});
