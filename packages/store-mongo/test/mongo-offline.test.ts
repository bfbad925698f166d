import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import type { NewMessage } from '@quickchat/server';
import { checkMessage } from '../src/append.js';
import { connectionOptions, harden, WRITE_CONCERN } from '../src/connection.js';
import { after, aboveUpTo, between, filters, gt, inStrings, StoreInputError } from '../src/filters.js';
import { createModels } from '../src/schemas.js';
import { parseCursor } from '../src/search.js';
import { matchesAll, requiredTerms, termsOf, tokens, toPhrases } from '../src/search-text.js';

/*
 * What can be checked WITHOUT a MongoDB server (these always run): the connection's safety and
 * durability options, the query filters the store builds from caller input (pure functions), what
 * mongoose's `sanitizeFilter` does to them and to hostile ones on a connection configured as the
 * store configures its own, and the search tokenizer. Nothing here talks to a database or pretends
 * to: behaviour against MongoDB is proven by the contract and injection suites, which need
 * QUICKCHAT_TEST_MONGODB_URI.
 */

/** Every key of `value`, at any depth. */
function keysOf(value: unknown): string[] {
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap(keysOf);
  return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]);
}

const HOSTILE: unknown[] = [{ $ne: null }, { $gt: '' }, { $regex: '.*' }, { $where: '1' }, ['x'], 42, null, undefined];
const hostile = (v: unknown): string => v as string;

describe('MongoDB store without a server: connection options', () => {
  it('always opens with majority-journaled writes, primary reads and sanitizeFilter, whatever the caller passes', () => {
    const options = connectionOptions({
      dbName: 'qc',
      connectOptions: { sanitizeFilter: false, writeConcern: { w: 1, journal: false }, readPreference: 'secondary', maxPoolSize: 7 },
    });
    expect(options).toMatchObject({ dbName: 'qc', sanitizeFilter: true, writeConcern: { w: 'majority', journal: true }, readPreference: 'primary', maxPoolSize: 7, autoIndex: false, bufferCommands: false });
    expect(WRITE_CONCERN).toEqual({ w: 'majority', journal: true });
  });

  it('turns sanitizeFilter on in the connection config, which every query on its models reads', () => {
    const conn = harden(mongoose.createConnection());
    expect(conn.get('sanitizeFilter')).toBe(true);
    const models = createModels(conn);
    // Strict schemas: an unknown path in a filter or an update is an error, not a silent pass-through.
    expect(models.users.schema.get('strictQuery')).toBe('throw');
    expect(models.messages.schema.get('strict')).toBe('throw');
  });
});

describe('MongoDB store without a server: schemas accept what the store writes', () => {
  const models = createModels(mongoose.createConnection());
  type Validatable = new (doc: object) => { validateSync(): unknown };
  const valid = (model: Validatable, doc: object) => new model(doc).validateSync() ?? null;
  const as = <T>(model: mongoose.Model<T>) => model as unknown as Validatable;

  it('validates every kind of document, with nulls, empty strings and empty arrays where the store writes them', () => {
    expect(valid(as(models.users), { _id: 'ext:1', handle: null, displayName: '', avatarUrl: null, signature: '', passwordHash: null, createdAt: 1, showPresence: true })).toBeNull();
    expect(valid(as(models.members), { conversationId: 'dm:a~b', userId: 'a' })).toBeNull();
    expect(valid(as(models.members), { conversationId: 'g:x', userId: 'a', role: 'owner', floor: 0, joinedAt: 1 })).toBeNull();
    expect(valid(as(models.members), { conversationId: 'g:x', userId: 'a', role: 'king' })).not.toBeNull();
    expect(valid(as(models.messages), { conversationId: 'dm:a~b', seq: 1, id: 'm_1', senderId: 'a', clientMsgId: 'c', type: 'text', content: '{"type":"text","text":""}', createdAt: 1, target: null, updatedSeq: null, editedAt: null, num: 1, terms: [] })).toBeNull();
    expect(valid(as(models.conversations), { _id: 'dm:a~b', kind: 'dm', createdAt: 1, num: 1, lastSeq: 0, lastAt: null, appends: 0 })).toBeNull();
    expect(valid(as(models.groups), { _id: 'g:x', name: 'T', avatarUrl: null, description: '', joinMode: 'invite', historyVisible: false, ownerId: 'a', memberCount: 1, createdAt: 1, dissolvedAt: null })).toBeNull();
    expect(valid(as(models.pendings), { conversationId: 'g:x', userId: 'b', kind: 'request', actorId: 'b', memo: null, createdAt: 1 })).toBeNull();
    expect(valid(as(models.attachments), { _id: 'f_1', ownerId: 'a', conversationId: 'dm:a~b', seq: null, name: 'a.pdf', mime: 'application/pdf', size: 1, width: null, height: null, blobKey: 'b', thumbKey: null, createdAt: 1, expiresAt: 2 })).toBeNull();
    expect(valid(as(models.openCalls), { _id: 'c_1', conversationId: 'dm:a~b', callerId: 'a', calleeId: 'b', audio: true, video: false, startedAt: 1, acceptedAt: null, connectedAt: null, ownerNode: 'n' })).toBeNull();
    expect(valid(as(models.userEvents), { userId: 'a', seq: 1, kind: 'profile', at: 1, payload: '{}' })).toBeNull();
    expect(valid(as(models.tokens), { _id: 'h', familyId: 'f', userId: 'a', createdAt: 1, expiresAt: 2, usedAt: null, revokedAt: null })).toBeNull();
    expect(() => new models.users({ _id: 'a', displayName: 'A', createdAt: 1, isAdmin: true })).toThrow(/not in schema/);
  });

  it('declares the unique keys the contract relies on', () => {
    const unique = (schema: mongoose.Schema) => schema.indexes().filter(([, o]) => o['unique'] === true).map(([keys]) => Object.keys(keys).join(','));
    expect(unique(models.messages.schema)).toEqual(['conversationId,seq', 'conversationId,senderId,clientMsgId']);
    expect(unique(models.users.schema)).toEqual(['handle']);
    expect(unique(models.userEvents.schema)).toEqual(['userId,seq']);
    expect(unique(models.members.schema)).toEqual(['conversationId,userId']);
  });
});

describe('MongoDB store without a server: filters built from caller input', () => {
  const builders: [string, (bad: string) => unknown][] = [
    ['user', (x) => filters.user(x)],
    ['userByHandle', (x) => filters.userByHandle(x)],
    ['conversation', (x) => filters.conversation(x)],
    ['member (conversation)', (x) => filters.member(x, 'u_a')],
    ['member (user)', (x) => filters.member('dm:a~b', x)],
    ['clientMsg (clientMsgId)', (x) => filters.clientMsg('dm:a~b', 'u_a', x)],
    ['clientMsg (sender)', (x) => filters.clientMsg('dm:a~b', x, 'c1')],
    ['messageAt', (x) => filters.messageAt(x, 1)],
    ['token', (x) => filters.token(x)],
    ['unusedToken', (x) => filters.unusedToken(x)],
    ['friendship', (x) => filters.friendship('u_a', x)],
    ['block', (x) => filters.block(x, 'u_b')],
    ['group', (x) => filters.group(x)],
    ['pending', (x) => filters.pending('g:x', x)],
    ['attachment', (x) => filters.attachment(x)],
    ['unsentUpload (owner)', (x) => filters.unsentUpload('f_1', x)],
    ['call', (x) => filters.call(x)],
    ['after', (x) => after(x)],
    ['inStrings', (x) => inStrings([x])],
  ];

  it('refuses anything but a string where a string belongs, before any query exists', () => {
    for (const [name, build] of builders) {
      for (const bad of HOSTILE) expect(() => build(hostile(bad)), `${name} ${JSON.stringify(bad)}`).toThrow(StoreInputError);
    }
    expect(() => filters.messageAt('dm:a~b', { $gt: 0 } as unknown as number)).toThrow(StoreInputError);
    expect(() => gt('1' as unknown as number)).toThrow(StoreInputError);
    expect(() => gt(1.5)).toThrow(StoreInputError);
  });

  it('builds filters with no `$` key from any string, including strings that look like operators', () => {
    for (const [name, build] of builders) {
      for (const s of ['u_alice', '$ne', '{"$ne":null}', '$where', '']) {
        const filter = build(s);
        if (name === 'after' || name === 'inStrings') continue; // trusted operators, checked below
        expect(keysOf(filter).filter((k) => k.startsWith('$')), `${name}(${s})`).toEqual([]);
      }
    }
  });

  it('keeps its own operators through sanitizeFilter (marked trusted) and wraps anything else in $eq', () => {
    const own = { conversationId: 'dm:a~b', seq: between(2, 9), senderId: inStrings(['u_a']), userId: after('u_b'), updatedSeq: aboveUpTo(1, 3) };
    expect(plain(mongoose.sanitizeFilter(own))).toEqual({ conversationId: 'dm:a~b', seq: { $gt: 2, $lt: 9 }, senderId: { $in: ['u_a'] }, userId: { $gt: 'u_b' }, updatedSeq: { $gt: 1, $lte: 3 } });
    expect(mongoose.sanitizeFilter({ handle: { $ne: null } })).toEqual({ handle: { $eq: { $ne: null } } });
    expect(() => mongoose.sanitizeFilter({ $where: 'sleep(1000)' })).toThrow(/not allowed with sanitizeFilter/);
  });

  it('on a connection configured like the store’s, a hostile filter that bypassed validation fails to cast instead of matching', () => {
    const models = createModels(harden(mongoose.createConnection()));
    // The step `exec()` runs before anything is sent (mongoose's Query#_castConditions: sanitize
    // when the connection says so, then cast to the schema), run here without sending anything.
    const castOnly = (q: unknown) => {
      const query = q as { _castConditions(): void; error(): Error | null; getFilter(): unknown };
      query._castConditions();
      return { error: query.error(), filter: query.getFilter() };
    };
    const hostileFind = castOnly(models.users.find({ handle: { $ne: null } }));
    expect(hostileFind.filter).toEqual({ handle: { $eq: { $ne: null } } });
    expect(hostileFind.error?.name).toBe('CastError');
    const ownFind = castOnly(models.messages.find({ conversationId: 'dm:a~b', seq: gt(3) }));
    expect(ownFind.error ?? null).toBeNull();
    expect(plain(ownFind.filter)).toEqual({ conversationId: 'dm:a~b', seq: { $gt: 3 } });
  });

  it('checks a message’s fields before it reaches a query', () => {
    const base: NewMessage = { id: 'm_1', conversationId: 'dm:a~b', senderId: 'a', clientMsgId: 'c1', content: { type: 'text', text: 'hi' }, createdAt: 1 };
    expect(() => checkMessage(base)).not.toThrow();
    for (const field of ['id', 'conversationId', 'senderId', 'clientMsgId'] as const) {
      expect(() => checkMessage({ ...base, [field]: { $ne: null } } as unknown as NewMessage), field).toThrow(StoreInputError);
    }
    expect(() => checkMessage({ ...base, content: { type: 'text', text: 'x', mentions: [{ $ne: null }] } } as unknown as NewMessage)).toThrow(StoreInputError);
    expect(() => checkMessage({ ...base, content: { type: 'edit', target: { $gt: 0 }, text: 'x' } } as unknown as NewMessage)).toThrow(StoreInputError);
    expect(() => checkMessage({ ...base, createdAt: '1' } as unknown as NewMessage)).toThrow(StoreInputError);
  });
});

describe('MongoDB store without a server: search tokens (the meaning of the SQLite FTS5 index)', () => {
  it('folds case and diacritics, and splits at punctuation', () => {
    expect(tokens('Dinner at eight? Café, naïve')).toEqual(['dinner', 'at', 'eight', 'cafe', 'naive']);
    expect(toPhrases('  Dinner   eight, ')).toEqual([['dinner'], ['eight']]);
    expect(toPhrases(' ?! ')).toEqual([]);
  });

  it('makes each CJK character a token and keeps adjacent pairs as terms', () => {
    expect(tokens('今天天气很好，我们去公园散步吧')).toEqual(['今', '天', '天', '气', '很', '好', '我', '们', '去', '公', '园', '散', '步', '吧']);
    expect(termsOf('公园 ok')).toEqual(['公', '园', 'ok', ' 公园']);
    expect(requiredTerms(toPhrases('公园 dinner'))).toEqual(['公', '园', ' 公园', 'dinner']);
  });

  it('matches every word, a Chinese word as its characters side by side', () => {
    const text = '今天天气很好，我们去公园散步吧';
    const finds = (query: string, body: string) => matchesAll(body, toPhrases(query));
    expect(finds('公园', text)).toBe(true);
    expect(finds('天气 散步', text)).toBe(true);
    expect(finds('园公', text)).toBe(false);
    expect(finds('好', 'sounds good 好的')).toBe(true);
    expect(finds('dinner eight', 'eight works, dinner it is')).toBe(true);
    expect(finds('dinner eight', 'dinner with Carol')).toBe(false);
    expect(finds('e-mail', 'send an e mail')).toBe(true);
    expect(finds('din', 'dinner')).toBe(false);
    // The index alone already rules 园公 out: no message holds the pair.
    expect(termsOf(text)).not.toContain(' 园公');
  });

  it('reads only cursors it made', () => {
    expect(parseCursor('3:17')).toEqual({ num: 3, seq: 17 });
    for (const bad of ['', '3', '3:', ':4', '3:4:5', '-1:2', '1e3:2', '{"$gt":1}']) expect(parseCursor(bad), bad).toBeNull();
  });
});

/** A filter as plain JSON (without mongoose's symbol marking trusted operators). */
function plain(filter: unknown): unknown {
  return JSON.parse(JSON.stringify(filter)) as unknown;
}
