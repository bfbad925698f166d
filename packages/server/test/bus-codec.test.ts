import { describe, expect, it } from 'vitest';
import { decodeBusEnvelope, encodeBusEnvelope } from '../src/bus/codec.js';
import { GROUPS_TOPIC, RELATIONS_TOPIC, groupTopic, userTopic } from '../src/bus/topics.js';
import type { BusMessage } from '../src/bus/messages.js';
import type { Topic } from '../src/bus/topics.js';

/** Round-trips `message` through an envelope from node `n1`; an Error when it is refused. */
const roundTrip = (topic: Topic<BusMessage>, message: BusMessage) => decodeBusEnvelope(topic, encodeBusEnvelope('n1', message));

/** What decoding `message` (raw text of a message) inside a well-formed envelope gives. */
const decodeMessage = (topic: Topic<BusMessage>, message: string) => decodeBusEnvelope(topic, `{"origin":"n1","message":${message}}`);

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
    for (const m of samples) expect(roundTrip(user, m)).toEqual({ origin: 'n1', message: m });
    const relations: BusMessage = { kind: 'relations', pairs: [['u_a', 'u_b']] };
    expect(roundTrip(RELATIONS_TOPIC, relations)).toEqual({ origin: 'n1', message: relations });
    for (const m of [{ kind: 'group-frame', json: '{"type":"message"}' }, { kind: 'group-frame', json: '{}', except: 'u_a' }] satisfies BusMessage[]) {
      expect(roundTrip(groupTopic('g:abc'), m)).toEqual({ origin: 'n1', message: m });
    }
    const changed: BusMessage = { kind: 'group-changed', conversationId: 'g:abc' };
    expect(roundTrip(GROUPS_TOPIC, changed)).toEqual({ origin: 'n1', message: changed });
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
    for (const raw of bad) expect(decodeMessage(user, raw), raw).toBeInstanceOf(Error);
    // The envelope itself: JSON, an object, with a non-empty origin and a message.
    const valid = '{"kind":"revoke"}';
    for (const raw of ['not json', 'null', valid, `{"message":${valid}}`, `{"origin":"","message":${valid}}`, `{"origin":7,"message":${valid}}`, '{"origin":"n1"}']) {
      expect(decodeBusEnvelope(user, raw), raw).toBeInstanceOf(Error);
    }
    expect(decodeBusEnvelope(user, `{"origin":"n1","message":${valid}}`)).toEqual({ origin: 'n1', message: { kind: 'revoke' } });
    expect(decodeMessage(RELATIONS_TOPIC, '{"kind":"frame","json":"{}"}')).toBeInstanceOf(Error);
    // A group's topic carries group frames only; a user frame there, or a membership without its flag, is refused.
    expect(decodeMessage(groupTopic('g:abc'), '{"kind":"frame","json":"{}"}')).toBeInstanceOf(Error);
    expect(decodeMessage(user, '{"kind":"membership","conversationId":"g:abc"}')).toBeInstanceOf(Error);
    expect(decodeMessage(user, '{"kind":"group-frame","json":"{}"}')).toBeInstanceOf(Error);
  });
});
