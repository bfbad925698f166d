import { afterEach, describe, expect, it } from 'vitest';
import { dmConversationId, dmPeer, parseConversationId } from '../../src/index.js';
import { closeAll, testClient } from '../support/client.js';
import { flush } from '../support/fakes.js';

afterEach(closeAll);

describe('conversation ids', () => {
  it('the SDK re-exports the protocol helpers', () => {
    const id = dmConversationId('bob', 'alice');
    expect(id).toBe('dm:alice~bob');
    expect(parseConversationId(id)).toEqual({ kind: 'dm', members: ['alice', 'bob'] });
    expect(parseConversationId('g:team')).toEqual({ kind: 'group', groupId: 'team' });
    expect(parseConversationId('dm:bob~alice')).toBeNull(); // not canonical
    expect(dmPeer(id, 'alice')).toBe('bob');
    expect(dmPeer(id, 'carol')).toBeNull();
  });

  it('a conversation first seen through a live frame gets its kind and peer from its id', async () => {
    const { client, online } = testClient();
    const socket = await online();
    socket.deliver({ type: 'typing', conversationId: 'dm:alice~carol', userId: 'carol', active: true });
    socket.deliver({ type: 'typing', conversationId: 'g:team', userId: 'bob', active: true });
    await flush();
    expect(client.conversations.getState()['dm:alice~carol']).toMatchObject({ kind: 'dm', peerId: 'carol', typing: ['carol'] });
    expect(client.conversations.getState()['g:team']).toMatchObject({ kind: 'group', peerId: null });
  });
});
