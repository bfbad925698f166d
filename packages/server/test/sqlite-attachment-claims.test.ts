import { describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { dmConversationId } from '@quickchat/protocol';
import { prepareAttachmentClaims, type AttachmentClaims } from '../src/store/sqlite/attachment-claims.js';
import type { NewUpload } from '../src/store/types.js';
import { useSqliteFile } from './support/sqlite-file.js';

const A = 'u_alice';
const B = 'u_bob';
const AB = dmConversationId(A, B);
const AC = dmConversationId(A, 'u_carol');
const NOW = 5000;

const upload = (id: string, overrides: Partial<NewUpload> = {}): NewUpload => ({
  id,
  ownerId: A,
  conversationId: AB,
  name: `${id}.png`,
  mime: 'image/png',
  size: 10,
  width: 4,
  height: 3,
  blobKey: `blob_${id}`,
  thumbKey: `thumb_${id}`,
  createdAt: 1000,
  expiresAt: NOW + 1,
  ...overrides,
});

/** The claims the message appender uses, on a real SQLite file, inside and outside a transaction. */
describe('SQLite attachment claims', () => {
  const sqlite = useSqliteFile('quickchat-claims-');

  const setUp = async (...uploads: NewUpload[]) => {
    const store = sqlite.open();
    for (const u of uploads) expect(await store.insertUpload(u, Number.MAX_SAFE_INTEGER)).toBe(true);
    await store.close();
  };
  const withClaims = <T>(use: (claims: AttachmentClaims, db: Database.Database) => T): T =>
    sqlite.raw((db) => use(prepareAttachmentClaims(db, { now: () => NOW }), db));
  const seqs = () => sqlite.raw((db) => db.prepare('SELECT id, seq FROM attachments ORDER BY id').all());

  it('binds the sender’s unsent uploads to the message and describes them in the given order', async () => {
    await setUp(upload('f_img'), upload('f_doc', { name: 'a.pdf', mime: 'application/pdf', width: null, height: null, thumbKey: null, size: 99 }));
    const result = withClaims((claims) => claims.claim(AB, A, 7, ['f_doc', 'f_img']));
    expect(result).toEqual([
      { id: 'f_doc', name: 'a.pdf', mime: 'application/pdf', size: 99, thumbnail: false },
      { id: 'f_img', name: 'f_img.png', mime: 'image/png', size: 10, width: 4, height: 3, thumbnail: true },
    ]);
    expect(seqs()).toEqual([{ id: 'f_doc', seq: 7 }, { id: 'f_img', seq: 7 }]);
    expect(withClaims((claims) => claims.claim(AB, A, 8, []))).toEqual([]);
  });

  it('refuses, naming the id and writing nothing, files that are unknown, someone else’s, for another conversation, sent or expired', async () => {
    await setUp(upload('f_ok'), upload('f_bobs', { ownerId: B }), upload('f_other', { conversationId: AC }), upload('f_sent'), upload('f_old', { expiresAt: NOW }));
    withClaims((claims) => expect(claims.claim(AB, A, 1, ['f_sent'])).toHaveLength(1));
    const notYours = (id: string) => ({ refused: `attachment ${id} is not a file you uploaded to this conversation` });
    const cases: [string[], { refused: string }][] = [
      [['f_ok', 'f_missing'], notYours('f_missing')],
      [['f_ok', 'f_bobs'], notYours('f_bobs')],
      [['f_ok', 'f_other'], notYours('f_other')],
      [['f_ok', 'f_sent'], { refused: expect.stringMatching(/^attachment f_sent was already sent/) }],
      [['f_ok', 'f_old'], { refused: expect.stringMatching(/^attachment f_old expired/) }],
      [['f_ok', 'f_ok'], { refused: 'attachment f_ok is listed twice' }],
    ];
    for (const [ids, refusal] of cases) expect(withClaims((claims) => claims.claim(AB, A, 2, ids)), ids.join()).toEqual(refusal);
    expect(seqs()).toEqual([
      { id: 'f_bobs', seq: null },
      { id: 'f_ok', seq: null },
      { id: 'f_old', seq: null },
      { id: 'f_other', seq: null },
      { id: 'f_sent', seq: 1 },
    ]);
  });

  it('inside the caller’s transaction: a refusal writes nothing, and a rollback undoes a claim', async () => {
    await setUp(upload('f_a'), upload('f_b'));
    withClaims((claims, db) => {
      const attempt = db.transaction(() => {
        expect(claims.claim(AB, A, 3, ['f_a'])).toHaveLength(1);
        throw new Error('the message write failed');
      });
      expect(() => attempt.immediate()).toThrow('the message write failed');
      const refusedThenSent = db.transaction(() => {
        expect(claims.claim(AB, A, 3, ['f_a', 'f_missing'])).toHaveProperty('refused');
        return claims.claim(AB, A, 3, ['f_b']);
      });
      expect(refusedThenSent.immediate()).toHaveLength(1);
    });
    expect(seqs()).toEqual([{ id: 'f_a', seq: null }, { id: 'f_b', seq: 3 }]);
  });

  it('release deletes the rows of one message and returns their blob keys for deletion after commit', async () => {
    await setUp(upload('f_1'), upload('f_2', { thumbKey: null }), upload('f_3'), upload('f_4', { conversationId: AC }));
    withClaims((claims) => {
      claims.claim(AB, A, 4, ['f_1', 'f_2']);
      claims.claim(AB, A, 5, ['f_3']);
      claims.claim(AC, A, 4, ['f_4']);
      expect(claims.release(AB, 4).sort()).toEqual(['blob_f_1', 'blob_f_2', 'thumb_f_1']);
      expect(claims.release(AB, 4)).toEqual([]);
      expect(claims.release(AB, 99)).toEqual([]);
    });
    expect(seqs()).toEqual([{ id: 'f_3', seq: 5 }, { id: 'f_4', seq: 4 }]);
  });
});
