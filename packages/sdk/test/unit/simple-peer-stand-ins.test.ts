/**
 * The stand-ins the calls entry bundles simple-peer with (packages/sdk/build/simple-peer): the
 * small `Duplex` that replaces readable-stream, and the id and microtask helpers. What simple-peer
 * relies on: writes reach `_write()` one at a time in order, `end()` fires `finish` only after
 * the last write, `push(null)` ends the readable side once, and a write after `end()` is refused.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { Duplex } from '../../build/simple-peer/duplex.mjs';

const require = createRequire(import.meta.url);
const randomBytes = require('../../build/simple-peer/random-bytes.cjs') as (n: number) => { toString(encoding: 'hex'): string };

/** A Duplex whose `_write` completes only when the test says so. */
class Held extends Duplex {
  written: unknown[] = [];
  pending: (() => void)[] = [];
  override _write(chunk: unknown, _encoding: string, done: (error?: Error | null) => void): void {
    this.written.push(chunk);
    this.pending.push(() => done());
  }
}

describe('simple-peer stand-ins', () => {
  it('writes go to _write one at a time, in order, each callback after its own write', () => {
    const d = new Held();
    const done: string[] = [];
    d.write('a', () => done.push('a'));
    d.write('b', 'utf8', () => done.push('b'));
    expect(d.written).toEqual(['a']); // b waits for a
    d.pending.shift()!();
    expect(done).toEqual(['a']);
    expect(d.written).toEqual(['a', 'b']);
    d.pending.shift()!();
    expect(done).toEqual(['a', 'b']);
  });

  it('end() fires finish once, after the last queued write; a write after end() is refused', async () => {
    const d = new Held();
    let finished = 0;
    d.on('finish', () => finished++);
    d.write('x');
    d.end('y');
    d.end();
    expect(finished).toBe(0);
    d.pending.shift()!();
    expect(finished).toBe(0); // y still being written
    d.pending.shift()!();
    expect(finished).toBe(1);
    expect(d._writableState.finished).toBe(true);
    const refused = await new Promise<Error | null | undefined>((resolve) => d.write('late', resolve));
    expect(refused?.message).toBe('write after end');
    expect(d.written).toEqual(['x', 'y']);
  });

  it('a failed write reaches its callback, or the error event when it has none; what was queued behind it is not written', () => {
    class Failing extends Held {
      fail: (error: Error) => void = () => undefined;
      override _write(chunk: unknown, _encoding: string, done: (error?: Error | null) => void): void {
        this.written.push(chunk);
        this.fail = (error) => done(error);
      }
    }
    const d = new Failing();
    const errors: string[] = [];
    d.on('error', (e: Error) => errors.push(`event: ${e.message}`));
    d.write('a', (e?: Error | null) => errors.push(`callback: ${e?.message}`));
    d.write('b');
    d.fail(new Error('channel closed'));
    expect(errors).toEqual(['callback: channel closed']);
    expect(d.written).toEqual(['a']);
    d.write('c');
    d.fail(new Error('still closed'));
    expect(errors).toEqual(['callback: channel closed', 'event: still closed']);
  });

  it('push() hands chunks to data listeners; push(null) ends the readable side once', () => {
    const d = new Held();
    const got: unknown[] = [];
    let ends = 0;
    d.on('data', (chunk: unknown) => got.push(chunk));
    d.on('end', () => ends++);
    const bytes = new Uint8Array([1, 2, 3]);
    expect(d.push('שלום 👋🏽')).toBe(true);
    d.push(bytes);
    d.push(null);
    d.push(null);
    expect(d.push('after')).toBe(false);
    expect(got).toEqual(['שלום 👋🏽', bytes]);
    expect(ends).toBe(1);
    expect(d._readableState.ended).toBe(true);
  });

  it('random ids are hex of the asked length and differ', () => {
    const a = randomBytes(20).toString('hex');
    expect(a).toMatch(/^[0-9a-f]{40}$/);
    expect(randomBytes(20).toString('hex')).not.toBe(a);
  });
});
