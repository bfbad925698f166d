/**
 * The script-tag build's loader (script-tag/loader.ts), on a page stand-in whose "network" runs
 * a served file when its `<script>` is added (with `document.currentScript` set, as browsers do)
 * and fires `error` for anything else: files are found next to quickchat-widget.js from its URL,
 * loaded once each with the nonce, handed the main file's own exports (one Preact), and a failed
 * or silent file rejects the `import()` in words and is tried again next time.
 */
import { describe, expect, it } from 'vitest';
import type { Define, Require } from '../src/script-tag/global.js';
import { createChunkLoader, type ChunkLoader } from '../src/script-tag/loader.js';

const MAIN = 'https://cdn.example/qc/1.2.0/quickchat-widget.js';

interface FakeScript {
  src: string;
  nonce: string;
  onload: (() => void) | null;
  onerror: (() => void) | null;
  removed: boolean;
  remove(): void;
}

/** A page whose network serves `files` (URL → what running the file does with `define`). */
function fakePage(files: Record<string, (define: Define) => void>) {
  const added: FakeScript[] = [];
  const doc = {
    currentScript: null as FakeScript | null,
    head: {
      appendChild(script: FakeScript) {
        added.push(script);
        setTimeout(() => {
          const run = files[script.src];
          if (!run) return script.onerror?.();
          doc.currentScript = script;
          run(loader.define);
          doc.currentScript = null;
          script.onload?.();
        });
      },
    },
    createElement: (): FakeScript => ({ src: '', nonce: '', onload: null, onerror: null, removed: false, remove() { this.removed = true; } }),
  };
  const loader: ChunkLoader = createChunkLoader(doc as unknown as Document, MAIN, 'page-nonce');
  return { doc, added, loader };
}

/** Runs the main file's define (its only dependencies are require and exports) and returns its require. */
function runMain(loader: ChunkLoader, exports: Record<string, unknown>): Require {
  let req: Require | undefined;
  loader.define(['require', 'exports'], (r, e) => {
    req = r as Require;
    Object.assign(e as object, exports);
  });
  return req!;
}

const importFrom = (req: Require, path: string) => new Promise<object>((resolve, reject) => req([path], resolve, reject));

describe('script-tag loader', () => {
  it('runs the main file at once, and loads a lazy file from next to it with the nonce, handing it the main file’s exports', async () => {
    const seen: unknown[] = [];
    const page = fakePage({
      'https://cdn.example/qc/1.2.0/quickchat-widget-profile-abc.js': (define) =>
        define(['exports', './quickchat-widget.js'], (exports, main) => {
          seen.push(main);
          (exports as Record<string, unknown>)['Profile'] = 'profile screen';
        }),
    });
    const preact = { h: () => null };
    const req = runMain(page.loader, { preact });
    const profile = await importFrom(req, './quickchat-widget-profile-abc.js');
    expect(profile).toEqual({ Profile: 'profile screen' });
    expect(page.added.map((s) => [s.src, s.nonce, s.removed])).toEqual([['https://cdn.example/qc/1.2.0/quickchat-widget-profile-abc.js', 'page-nonce', true]]);
    expect((seen[0] as { preact: unknown }).preact).toBe(preact); // the very same module, not a copy
  });

  it('loads a file once however often it is imported, and a lazy file’s own import() resolves next to it', async () => {
    const page = fakePage({
      'https://cdn.example/qc/1.2.0/quickchat-widget-picker-1.js': (define) =>
        define(['require', 'exports'], (req, exports) => {
          (exports as Record<string, unknown>)['search'] = () => importFrom(req as Require, './quickchat-widget-search-2.js');
        }),
      'https://cdn.example/qc/1.2.0/quickchat-widget-search-2.js': (define) => define(['exports'], (exports) => ((exports as Record<string, unknown>)['words'] = 42)),
    });
    const req = runMain(page.loader, {});
    const [a, b] = await Promise.all([importFrom(req, './quickchat-widget-picker-1.js'), importFrom(req, './quickchat-widget-picker-1.js')]);
    expect(a).toBe(b);
    expect(await (a as { search(): Promise<object> }).search()).toEqual({ words: 42 });
    expect(page.added.map((s) => s.src.replace(/^.*\//, ''))).toEqual(['quickchat-widget-picker-1.js', 'quickchat-widget-search-2.js']);
  });

  it('rejects in words when a file can’t be loaded, and tries again on the next import (with the nonce mount() gave)', async () => {
    const files: Record<string, (define: Define) => void> = {};
    const page = fakePage(files);
    const req = runMain(page.loader, {});
    await expect(importFrom(req, './quickchat-widget-emoji-picker-x.js')).rejects.toThrow(
      "quickchat: could not load https://cdn.example/qc/1.2.0/quickchat-widget-emoji-picker-x.js (offline, missing, or refused by the page's Content-Security-Policy)",
    );
    files['https://cdn.example/qc/1.2.0/quickchat-widget-emoji-picker-x.js'] = (define) => define(['exports'], (exports) => ((exports as Record<string, unknown>)['default'] = 'picker'));
    page.loader.setNonce('mount-nonce');
    expect(await importFrom(req, './quickchat-widget-emoji-picker-x.js')).toEqual({ default: 'picker' });
    expect(page.added.map((s) => [s.nonce, s.removed])).toEqual([['page-nonce', true], ['mount-nonce', true]]);
  });

  it('rejects a file that runs without registering (not a file of this build)', async () => {
    const page = fakePage({ 'https://cdn.example/qc/1.2.0/quickchat-widget-other.js': () => undefined });
    const req = runMain(page.loader, {});
    await expect(importFrom(req, './quickchat-widget-other.js')).rejects.toThrow(/quickchat-widget-other\.js loaded but did not register/);
  });

  it('says so when quickchat-widget.js was not loaded by a <script src>, so its siblings can’t be found', async () => {
    const loader = createChunkLoader(undefined, undefined, '');
    const req = runMain(loader, {});
    await expect(importFrom(req, './quickchat-widget-profile-abc.js')).rejects.toThrow(/was not loaded by a <script src>/);
  });
});
