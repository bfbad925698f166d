import { describe, expect, it } from 'vitest';
import { decodeBusMessage, encodeBusMessage } from '../src/bus/codec.js';
import { RELATIONS_TOPIC, userTopic } from '../src/bus/topics.js';
import type { BusMessage } from '../src/bus/messages.js';

describe('bus codec', () => {
  it('round-trips every kind of message on the topic that carries it', () => {
    const user = userTopic('u_a');
    const samples: BusMessage[] = [
      { kind: 'frame', json: '{"type":"pong"}' },
      { kind: 'frame', json: '{"type":"ack"}', to: 'session-1' },
      { kind: 'revoke' },
      { kind: 'revoke', familyId: 'fam' },
    ];
    for (const m of samples) expect(decodeBusMessage(user, encodeBusMessage(m))).toEqual(m);
    const relations: BusMessage = { kind: 'relations', pairs: [['u_a', 'u_b']] };
    expect(decodeBusMessage(RELATIONS_TOPIC, encodeBusMessage(relations))).toEqual(relations);
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
  });
});
