import { describe, expect, it } from 'vitest';
import { USER_ID_PATTERN, dmConversationId, dmPeer, parseConversationId } from '@quickchat/protocol';

describe('dmConversationId', () => {
  it('puts the two user ids in sorted order', () => {
    expect(dmConversationId('u_alice', 'u_bob')).toBe('dm:u_alice~u_bob');
    expect(dmConversationId('u_bob', 'u_alice')).toBe('dm:u_alice~u_bob');
  });

  it('is symmetric for many pairs', () => {
    const ids = ['a', 'B', 'z9', 'u_1', 'u_10', 'u_2', 'sub@example.com', 'x:y', 'A-b.c'];
    for (const a of ids) {
      for (const b of ids) {
        if (a === b) continue;
        const id = dmConversationId(a, b);
        expect(id).toBe(dmConversationId(b, a));
        const [lo, hi] = a < b ? [a, b] : [b, a];
        expect(id).toBe(`dm:${lo}~${hi}`);
      }
    }
  });

  it('sorts by UTF-16 code units, not locale (uppercase before lowercase)', () => {
    expect(dmConversationId('b', 'A')).toBe('dm:A~b');
    expect(dmConversationId('u_10', 'u_9')).toBe('dm:u_10~u_9');
  });

  it('produces ids that parseConversationId accepts and decodes back to the same members', () => {
    const id = dmConversationId('u_zed', 'u_amy');
    expect(parseConversationId(id)).toEqual({ kind: 'dm', members: ['u_amy', 'u_zed'] });
  });

  it('yields an id for the same user twice that does not parse (no DM with yourself)', () => {
    const id = dmConversationId('a', 'a');
    expect(id).toBe('dm:a~a');
    expect(parseConversationId(id)).toBeNull();
  });
});

describe('parseConversationId', () => {
  it('accepts a sorted DM id', () => {
    expect(parseConversationId('dm:a~b')).toEqual({ kind: 'dm', members: ['a', 'b'] });
    expect(parseConversationId('dm:u_1~u_2')).toEqual({ kind: 'dm', members: ['u_1', 'u_2'] });
  });

  it('accepts every character USER_ID_PATTERN allows in DM members', () => {
    expect(parseConversationId('dm:A.b_c:d@e-f~z')).toEqual({ kind: 'dm', members: ['A.b_c:d@e-f', 'z'] });
  });

  it('accepts DM members of exactly 64 characters and rejects 65', () => {
    const a64 = 'a'.repeat(64);
    const b64 = 'b'.repeat(64);
    expect(parseConversationId(`dm:${a64}~${b64}`)).toEqual({ kind: 'dm', members: [a64, b64] });
    expect(parseConversationId(`dm:${a64}~${'b'.repeat(65)}`)).toBeNull();
    expect(parseConversationId(`dm:${'a'.repeat(65)}~${b64}`)).toBeNull();
  });

  it('accepts group ids', () => {
    expect(parseConversationId('g:team-1')).toEqual({ kind: 'group', groupId: 'team-1' });
    expect(parseConversationId('g:A_b-9')).toEqual({ kind: 'group', groupId: 'A_b-9' });
    expect(parseConversationId('g:x')).toEqual({ kind: 'group', groupId: 'x' });
    const g64 = 'g'.repeat(64);
    expect(parseConversationId(`g:${g64}`)).toEqual({ kind: 'group', groupId: g64 });
  });

  it.each([
    ['unsorted members', 'dm:b~a'],
    ['unsorted members (case)', 'dm:b~A'],
    ['the same user twice', 'dm:a~a'],
    ['missing second member', 'dm:a~'],
    ['missing first member', 'dm:~b'],
    ['no separator', 'dm:ab'],
    ['three members', 'dm:a~b~c'],
    ['wrong separator', 'dm:a-b'],
    ['wrong separator (comma)', 'dm:a,b'],
    ['wrong separator (colon)', 'dm:a:b'],
    ['wrong prefix separator', 'dm-a~b'],
    ['uppercase prefix', 'DM:a~b'],
    ['space in a member', 'dm:a b~c'],
    ['slash in a member', 'dm:a/b~c'],
    ['trailing newline', 'dm:a~b\n'],
    ['leading space', ' dm:a~b'],
    ['non-ascii member', 'dm:a~é'],
    ['only the prefix', 'dm:'],
    ['empty string', ''],
    ['empty group id', 'g:'],
    ['group id too long', `g:${'a'.repeat(65)}`],
    ['dot in group id', 'g:a.b'],
    ['colon in group id', 'g:a:b'],
    ['tilde in group id', 'g:a~b'],
    ['space in group id', 'g:a b'],
    ['trailing newline in group id', 'g:abc\n'],
    ['unknown prefix', 'ch:general'],
    ['unknown prefix (group spelled out)', 'group:abc'],
    ['no prefix', 'a~b'],
    ['bare word', 'general'],
  ])('rejects %s (%j)', (_label, id) => {
    expect(parseConversationId(id)).toBeNull();
  });

  it('never throws on odd input', () => {
    for (const id of ['dm:~', '~', 'g', 'dm', ':', 'dm::~:', '\u0000', 'dm:\u0000~a']) {
      expect(() => parseConversationId(id)).not.toThrow();
      expect(parseConversationId(id)).toBeNull();
    }
  });
});

describe('USER_ID_PATTERN', () => {
  it('allows 1-64 of the documented characters', () => {
    expect(USER_ID_PATTERN.test('u_abc')).toBe(true);
    expect(USER_ID_PATTERN.test('a'.repeat(64))).toBe(true);
    expect(USER_ID_PATTERN.test('a'.repeat(65))).toBe(false);
    expect(USER_ID_PATTERN.test('')).toBe(false);
    expect(USER_ID_PATTERN.test('a~b')).toBe(false);
  });
});

describe('dmPeer', () => {
  it('returns the other member for either member', () => {
    expect(dmPeer('dm:u_alice~u_bob', 'u_alice')).toBe('u_bob');
    expect(dmPeer('dm:u_alice~u_bob', 'u_bob')).toBe('u_alice');
  });

  it('round-trips with dmConversationId', () => {
    const id = dmConversationId('x@y', 'sub:123');
    expect(dmPeer(id, 'x@y')).toBe('sub:123');
    expect(dmPeer(id, 'sub:123')).toBe('x@y');
  });

  it('returns null for a non-member', () => {
    expect(dmPeer('dm:u_alice~u_bob', 'u_carol')).toBeNull();
    expect(dmPeer('dm:u_alice~u_bob', '')).toBeNull();
    expect(dmPeer('dm:u_alice~u_bob', 'u_alice~u_bob')).toBeNull();
  });

  it('returns null for group ids and malformed ids', () => {
    expect(dmPeer('g:team', 'team')).toBeNull();
    expect(dmPeer('dm:u_bob~u_alice', 'u_bob')).toBeNull();
    expect(dmPeer('dm:a~a', 'a')).toBeNull();
    expect(dmPeer('', 'a')).toBeNull();
    expect(dmPeer('x:a~b', 'a')).toBeNull();
  });
});
