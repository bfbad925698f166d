import { afterEach, describe, expect, it } from 'vitest';
import type { FrameHook, ServerFrameOf } from '../../src/index.js';
import { C, closeAll, testClient } from '../support/client.js';
import { flush, message } from '../support/fakes.js';

afterEach(closeAll);

describe('client.attach(): the frame hook extensions (calls) attach through', () => {
  it('an extension attached to a LIVE client receives the frame types it registers and can send', async () => {
    const { client, online } = testClient();
    const socket = await online();
    const got: ServerFrameOf<'pong'>[] = [];
    let hook: FrameHook | undefined;
    client.attach((h) => {
      hook = h;
      h.onFrame('pong', (frame) => got.push(frame));
    });
    expect(hook?.userId).toBe('alice');
    expect(hook?.connectionState).toBe('connected');
    expect(hook?.send({ type: 'ping', id: 'ext-1' })).toBe(true);
    expect(socket.frames('ping')).toEqual([{ type: 'ping', id: 'ext-1' }]);
    socket.deliver({ type: 'pong', id: 'ext-1' });
    expect(got).toEqual([{ type: 'pong', id: 'ext-1' }]);
  });

  it('an extension attached before connecting cannot send yet, and gets frames once connected', async () => {
    const { client, online } = testClient();
    const got: unknown[] = [];
    let hook: FrameHook | undefined;
    client.attach((h) => {
      hook = h;
      h.onFrame('ready', (frame) => got.push(frame.type));
      h.on('synced', () => got.push('synced'));
    });
    expect(hook?.send({ type: 'ping', id: 'early' })).toBe(false);
    const socket = await online();
    expect(got).toEqual(['ready', 'synced']);
    expect(socket.frames('ping')).toEqual([]);
  });

  it('sees frames the client\'s own managers own, without taking them away', async () => {
    const { client, online } = testClient();
    const socket = await online();
    const seenByExtension: number[] = [];
    const surfaced: number[] = [];
    client.attach((h) => void h.onFrame('message', (frame) => seenByExtension.push(frame.message.seq)));
    client.on('message', ({ message: m }) => surfaced.push(m.seq as number));
    socket.deliver({ type: 'message', message: message(C, 1) });
    await flush();
    expect(seenByExtension).toEqual([1]);
    expect(surfaced).toEqual([1]);
  });

  it('detaching drops its handlers and listeners and runs its teardown, once; close() detaches the rest', async () => {
    const { client, online } = testClient();
    const socket = await online();
    const calls: string[] = [];
    let teardowns = 0;
    const detach = client.attach((h) => {
      h.onFrame('pong', (frame) => calls.push(String(frame.id)));
      h.on('connectionStateChanged', ({ newState }) => calls.push(newState));
      return () => void teardowns++;
    });
    socket.deliver({ type: 'pong', id: 'a' });
    detach();
    detach();
    expect(teardowns).toBe(1);
    socket.deliver({ type: 'pong', id: 'b' });
    client.disconnect();
    expect(calls).toEqual(['a']);

    let closedTeardown = false;
    client.attach(() => () => void (closedTeardown = true));
    client.close();
    expect(closedTeardown).toBe(true);
  });

  it('ignores frames of a type nobody registered, known or not', async () => {
    const { client, errors, online } = testClient();
    const socket = await online();
    socket.deliver({ type: 'pong', id: 'unclaimed' });
    socket.deliver({ type: 'call-offer', callId: 'x', sdp: '…' });
    await flush();
    expect(errors).toEqual([]);
    expect(client.connectionState).toBe('connected');
  });
});
