import { describe, expect, it } from 'vitest';
import type { AckFrame, Message } from '@quickchat/protocol';
import { ackFrameJson, contentJson, jsonString, messageFrameJson } from '../src/services/frame-json.js';

/** The hand-built `message` and `ack` frames must be exactly what JSON.stringify writes. */

const ODD_STRINGS = ['', 'plain_id-1.2:@x', 'dm:u_a~u_b', 'quote " inside', 'back\\slash', 'tab\tnew\nline', '\u0000\u001f\u007f', 'é 👋 мир', '\u2028\u2029', '\ud800 lone', '<script>alert(1)</script>'];

function message(over: Partial<Message> = {}): Message {
  return {
    id: 'm_AbCdEfGhIjKl00000001',
    conversationId: 'dm:u_alice~u_bob',
    seq: 42,
    senderId: 'u_alice',
    clientMsgId: 'c-1_x',
    content: { type: 'text', text: 'hello "world" \\ \n 👋' },
    createdAt: 1_764_170_000_123,
    ...over,
  };
}

describe('frame JSON', () => {
  it('jsonString matches JSON.stringify for plain and odd strings', () => {
    for (const s of ODD_STRINGS) expect(jsonString(s)).toBe(JSON.stringify(s));
  });

  it('contentJson matches JSON.stringify of text content', () => {
    for (const text of ODD_STRINGS) expect(contentJson({ type: 'text', text })).toBe(JSON.stringify({ type: 'text', text }));
  });

  it('messageFrameJson matches JSON.stringify of the message frame', () => {
    const cases = [message(), message({ seq: 1, createdAt: 0 }), ...ODD_STRINGS.map((s) => message({ id: s, conversationId: s, senderId: s, clientMsgId: s, content: { type: 'text', text: s } }))];
    for (const m of cases) {
      expect(messageFrameJson(m, JSON.stringify(m.content))).toBe(JSON.stringify({ type: 'message', message: m }));
    }
  });

  it('ackFrameJson matches JSON.stringify of the ack frame, with and without a request id', () => {
    for (const id of [undefined, 0, 7, Number.MAX_SAFE_INTEGER, ...ODD_STRINGS]) {
      for (const duplicate of [false, true]) {
        for (const m of [message(), message({ clientMsgId: 'quote"', conversationId: 'g:x\\y', id: 'tab\t' })]) {
          const ack: AckFrame = {
            type: 'ack',
            ...(id !== undefined ? { id } : {}),
            clientMsgId: m.clientMsgId,
            conversationId: m.conversationId,
            messageId: m.id,
            seq: m.seq,
            createdAt: m.createdAt,
            duplicate,
          };
          expect(ackFrameJson(id, m, duplicate)).toBe(JSON.stringify(ack));
        }
      }
    }
  });
});
