import { afterEach, describe, expect, it } from 'vitest';
import { ClientErrorCode, type StorageAdapter } from '../../src/index.js';
import { C, closeAll, testClient } from '../support/client.js';
import { flush } from '../support/fakes.js';

afterEach(closeAll);

/** Reads work (nothing saved); every write fails, like a full quota or a closed database. */
class FullStorage implements StorageAdapter {
  readonly failure = new Error('QuotaExceededError');
  writes = 0;
  get() {
    return Promise.resolve(null);
  }
  set() {
    this.writes++;
    return Promise.reject(this.failure);
  }
  remove() {
    return Promise.reject(this.failure);
  }
}

describe('storage failures', () => {
  it('an outbox write that fails is reported as a storage error; the message stays in memory and is still sent', async () => {
    const storage = new FullStorage();
    const { client, errors, online, clock } = testClient({ storage });
    const socket = await online();
    errors.length = 0;
    const local = client.send(C, 'hello');
    await flush();
    expect(storage.writes).toBeGreaterThan(0);
    const storageErrors = errors.filter((e) => e.code === ClientErrorCode.Storage);
    expect(storageErrors.length).toBeGreaterThan(0);
    expect(storageErrors[0]).toMatchObject({ retryable: false, cause: storage.failure });
    expect(storageErrors[0]?.message).toMatch(/outbox/);
    expect(client.messages.getState()[C]?.items.map((m) => [m.clientMsgId, m.state])).toEqual([[local.clientMsgId, 'pending']]);
    expect(socket.frames('send').map((f) => f['clientMsgId'])).toEqual([local.clientMsgId]);
    socket.deliver({ type: 'ack', id: local.clientMsgId, clientMsgId: local.clientMsgId, conversationId: C, messageId: 'm1', seq: 1, createdAt: clock.nowMs, duplicate: false });
    await flush();
    expect(client.messages.getState()[C]?.items.map((m) => m.state)).toEqual(['sent']);
  });

  it('a message written while offline with failing storage still goes out after connecting', async () => {
    const { client, errors, online } = testClient({ storage: new FullStorage() });
    const local = client.send(C, 'queued');
    await flush();
    expect(errors.map((e) => e.code)).toContain(ClientErrorCode.Storage);
    const socket = await online();
    expect(socket.frames('send').map((f) => f['clientMsgId'])).toEqual([local.clientMsgId]);
  });

  it('storage reads that fail are reported as storage errors, and the session still catches up and sends', async () => {
    const broken: StorageAdapter = { get: () => Promise.reject(new Error('db closed')), set: () => Promise.resolve(), remove: () => Promise.resolve() };
    const { client, errors, online } = testClient({ storage: broken });
    const socket = await online();
    expect(errors.map((e) => e.code)).toEqual([ClientErrorCode.Storage, ClientErrorCode.Storage]); // the outbox, then the sync cursors
    expect(socket.frames('sync')).toHaveLength(1);
    const local = client.send(C, 'still works');
    expect(socket.frames('send').map((f) => f['clientMsgId'])).toEqual([local.clientMsgId]);
  });
});
