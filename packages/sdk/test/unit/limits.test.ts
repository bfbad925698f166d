import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, QuickchatError, type ServerLimits } from '../../src/index.js';
import { C, closeAll, testClient } from '../support/client.js';
import { flush, readyFrame } from '../support/fakes.js';

afterEach(closeAll);

/** The fakes' `ready` announces maxTextLength 4000. */
const MAX = readyFrame('alice').limits.maxTextLength;

describe('ready: limits and protocol version', () => {
  it('sends its protocol version in auth, records the server\'s, and exposes the announced limits (null before)', async () => {
    const { client, ws, online } = testClient();
    expect(client.limits.getState()).toBeNull();
    expect(client.serverProtocol).toBeNull();
    const seen: (ServerLimits | null)[] = [];
    client.limits.subscribe((l) => l, (l) => seen.push(l));
    await online();
    expect(ws.last().sent[0]).toMatchObject({ type: 'auth', protocol: PROTOCOL_VERSION });
    expect(client.limits.getState()).toEqual({ maxFrameBytes: 65_536, maxTextLength: MAX, messagesPerSecond: 10, groups: readyFrame('alice').limits.groups, messages: readyFrame('alice').limits.messages, calls: readyFrame('alice').limits.calls });
    expect(client.limits.getState()?.groups).toMatchObject({ typingMaxMembers: 100, liveReceiptsMaxMembers: 100 });
    expect(seen).toEqual([client.limits.getState()]);
    expect(client.serverProtocol).toBe(1);
  });

  it('send() refuses text past the server\'s maxTextLength at once: validation, not retryable, nothing queued or sent', async () => {
    const { client, online } = testClient();
    const socket = await online();
    const before = client.messages.getState();
    let thrown: unknown;
    try {
      client.send(C, 'x'.repeat(MAX + 1));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(QuickchatError);
    expect(thrown).toMatchObject({ code: 'validation', retryable: false });
    expect((thrown as Error).message).toContain(String(MAX));
    expect(client.messages.getState()).toBe(before);
    await flush();
    expect(socket.frames('send')).toEqual([]);
    // Exactly at the limit is fine.
    const ok = client.send(C, 'y'.repeat(MAX));
    expect(ok.state).toBe('pending');
    expect(socket.frames('send')).toHaveLength(1);
  });

  it('before the server announced a limit, send() leaves the length to the server', () => {
    const { client } = testClient();
    expect(client.send(C, 'z'.repeat(MAX + 1)).state).toBe('pending');
  });
});
