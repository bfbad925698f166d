import { describe, expect, it } from 'vitest';
import { decodeBusMessage, encodeBusMessage } from '../src/bus/codec.js';
import { GROUPS_TOPIC, RELATIONS_TOPIC, groupTopic, userTopic } from '../src/bus/topics.js';
import type { BusMessage } from '../src/bus/messages.js';

describe('bus codec', () => {
  it('round-trips every kind of message on the topic that carries it', () => {
    const user = userTopic('u_a');
    const samples: BusMessage[] = [
      { kind: 'frame', json: '{"type":"pong"}' },
      { kind: 'frame', json: '{"type":"ack"}', to: 'session-1' },
      { kind: 'revoke' },
      { kind: 'revoke', familyId: 'fam' },
      { kind: 'membership', conversationId: 'g:abc', joined: true },
    ];
    for (const m of samples) expect(decodeBusMessage(user, encodeBusMessage(m))).toEqual(m);
    const relations: BusMessage = { kind: 'relations', pairs: [['u_a', 'u_b']] };
    expect(decodeBusMessage(RELATIONS_TOPIC, encodeBusMessage(relations))).toEqual(relations);
    for (const m of [{ kind: 'group-frame', json: '{"type":"message"}' }, { kind: 'group-frame', json: '{}', except: 'u_a' }] satisfies BusMessage[]) {
      expect(decodeBusMessage(groupTopic('g:abc'), encodeBusMessage(m))).toEqual(m);
    }
    const changed: BusMessage = { kind: 'group-changed', conversationId: 'g:abc' };
    expect(decodeBusMessage(GROUPS_TOPIC, encodeBusMessage(changed))).toEqual(changed);
  });

  it('refuses text that is not JSON, does not match the union, or belongs on another topic', () => {
    const user = userTopic('u_a');
    const bad = [
      'not json',
      'null',
      '{"kind":"frame"}',
      '{"kind":"frame","json":42}',
      '{"kind":"unknown"}',
      '{"kind":"relations","pairs":[["u_a"]]}',
      '{"kind":"relations","pairs":[["u_a","u_b"]]}', // valid, but not on a user topic
    ];
    for (const raw of bad) expect(decodeBusMessage(user, raw), raw).toBeInstanceOf(Error);
    expect(decodeBusMessage(RELATIONS_TOPIC, '{"kind":"frame","json":"{}"}')).toBeInstanceOf(Error);
    // A group's topic carries group frames only; a user frame there, or a membership without its flag, is refused.
    expect(decodeBusMessage(groupTopic('g:abc'), '{"kind":"frame","json":"{}"}')).toBeInstanceOf(Error);
    expect(decodeBusMessage(user, '{"kind":"membership","conversationId":"g:abc"}')).toBeInstanceOf(Error);
    expect(decodeBusMessage(user, '{"kind":"group-frame","json":"{}"}')).toBeInstanceOf(Error);
  });
});
