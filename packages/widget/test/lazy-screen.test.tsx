// @vitest-environment happy-dom
/**
 * Lazily loaded chunks (how the profile screen, the emoji picker, and later group and call
 * screens load): one fetch on success, a failure forgotten so the next use retries, and a lazy
 * screen that says "Loading…", then shows the screen, or says in words that it failed and
 * offers Try again.
 */
import { cleanup, fireEvent, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { lazyScreen } from '../src/components/lazy-screen.js';
import { lazyChunk } from '../src/util/lazy.js';
import { renderChat } from './support/render.js';

afterEach(cleanup);

describe('lazyChunk', () => {
  it('loads once on success, and forgets a failure so the next use retries', async () => {
    let calls = 0;
    let fail = true;
    const load = lazyChunk(async () => {
      calls++;
      if (fail) throw new Error('chunk request failed');
      return { value: calls };
    });
    await expect(load()).rejects.toThrow('chunk request failed');
    fail = false;
    const [a, b] = await Promise.all([load(), load()]);
    expect(a).toBe(b);
    expect(await load()).toBe(a);
    expect(calls).toBe(2);
  });
});

describe('lazyScreen', () => {
  it('says Loading…, then shows the screen with its props', async () => {
    let release = () => undefined as void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const Screen = lazyScreen<{ name: string }>(async () => {
      await gate;
      return ({ name }) => <h2>Hello {name}</h2>;
    });
    const v = renderChat(<Screen name="Ann" />);
    expect(v.getByRole('status').textContent).toBe('Loading…');
    release();
    await waitFor(() => expect(v.getByRole('heading', { name: 'Hello Ann' })).toBeTruthy());
  });

  it('says in words when the chunk cannot be loaded, and Try again loads it', async () => {
    let fail = true;
    const Screen = lazyScreen<object>(async () => {
      if (fail) throw new TypeError('Failed to fetch dynamically imported module');
      return () => <h2>Loaded</h2>;
    });
    const v = renderChat(<Screen />);
    await waitFor(() => expect(v.getByRole('alert').textContent).toContain('This part of the chat could not be loaded.'));
    fail = false;
    fireEvent.click(v.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(v.getByRole('heading', { name: 'Loaded' })).toBeTruthy());
  });
});
