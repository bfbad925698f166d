import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dmConversationId, type AckFrame } from '@quickchat/protocol';
import { loadOrCreateSecrets } from '../src/data-dir.js';
import { FileLinks } from '../src/services/attachments/file-links.js';
import { GroupsHarness } from './support/groups.js';
import { sendContent } from './support/messaging.js';
import type { TestUser } from './support/rest.js';
import { download, fileLink, filesOnDisk, linkUrl, pngImage, uploadId } from './support/uploads.js';

let h: GroupsHarness;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let dave: TestUser;

beforeEach(async () => {
  h = await GroupsHarness.start();
  ({ alice, bob, carol, dave } = await h.users(['alice', 'bob', 'carol', 'dave'], [['alice', 'bob'], ['alice', 'carol']]));
});
afterEach(async () => {
  await h.close();
});

/** Sends a message carrying `ids` as `user`; resolves its seq. */
async function sendFiles(user: TestUser, conversationId: string, ids: string[]): Promise<number> {
  const ack = await sendContent(await h.connect(user), conversationId, { type: 'text', text: '', attachments: ids });
  if (ack.type !== 'ack') throw new Error(`send failed: ${JSON.stringify(ack)}`);
  return (ack as AckFrame).seq;
}

/** What someone gets for a file that does not exist: every refusal below must look exactly like it. */
async function missingFile(user: TestUser) {
  const res = await fileLink(h.t.url, user, 'f_doesnotexist0000');
  expect(res.status).toBe(404);
  return { status: res.status, body: res.body as unknown };
}

const refusal = async (user: TestUser, id: string, variant?: 'original' | 'thumbnail') => {
  const res = await fileLink(h.t.url, user, id, variant);
  return { status: res.status, body: res.body as unknown };
};

describe('attachments: who may get a download link', () => {
  it('an unsent upload: only its uploader; the peer and strangers get the 404 of a missing file', async () => {
    const ab = dmConversationId(alice.id, bob.id);
    const id = await uploadId(h.t.url, alice, ab, 'draft.png', await pngImage(40, 40));
    expect((await fileLink(h.t.url, alice, id)).status).toBe(200);
    expect(await refusal(bob, id)).toEqual(await missingFile(bob));
    expect(await refusal(dave, id)).toEqual(await missingFile(dave));
  });

  it('a sent DM file: both members; a non-member gets the 404 of a missing file', async () => {
    const ab = dmConversationId(alice.id, bob.id);
    const id = await uploadId(h.t.url, alice, ab, 'sent.png', await pngImage(40, 40));
    await sendFiles(alice, ab, [id]);
    expect((await fileLink(h.t.url, alice, id)).status).toBe(200);
    expect((await fileLink(h.t.url, bob, id, 'thumbnail')).status).toBe(200);
    expect(await refusal(carol, id)).toEqual(await missingFile(carol));
    expect(await refusal(carol, id, 'thumbnail')).toEqual(await missingFile(carol));
  });

  it('uploading needs write access: a stranger’s DM or a group you are not in is "not found", and nothing is stored', async () => {
    const bd = dmConversationId(bob.id, dave.id);
    const g = await h.createGroup(alice, { members: [bob.id] });
    for (const conversationId of [bd, dmConversationId(carol.id, dave.id), g]) {
      const res = await fetch(`${h.t.url}/api/uploads?conversationId=${encodeURIComponent(conversationId)}&name=a.txt`, {
        method: 'POST',
        headers: { authorization: `Bearer ${dave.token}`, 'content-type': 'application/octet-stream' },
        body: 'hello',
      });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'conversation not found' } });
    }
    expect(filesOnDisk(h.t.dataDir)).toEqual([]);
  });

  it('in a group: members read files above their floor only; a later joiner and a leaver get the 404 of a missing file', async () => {
    const g = await h.createGroup(alice, { members: [bob.id] });
    const early = await uploadId(h.t.url, alice, g, 'early.png', await pngImage(40, 40));
    await sendFiles(alice, g, [early]);
    expect((await h.add(alice, g, [carol.id])).body.added).toEqual([carol.id]);
    const late = await uploadId(h.t.url, bob, g, 'late.png', await pngImage(40, 40));
    await sendFiles(bob, g, [late]);

    expect((await fileLink(h.t.url, bob, early)).status).toBe(200);
    expect(await refusal(carol, early)).toEqual(await missingFile(carol));
    expect((await fileLink(h.t.url, carol, late)).status).toBe(200);
    expect(await refusal(dave, late)).toEqual(await missingFile(dave));

    expect((await h.leave(bob, g)).status).toBe(204);
    expect(await refusal(bob, early)).toEqual(await missingFile(bob));
    expect(await refusal(bob, late)).toEqual(await missingFile(bob));
  });
});

describe('attachments: signed download links', () => {
  it('a forged, altered, incomplete or expired link is refused with 403 before any lookup; a valid one works', async () => {
    const ab = dmConversationId(alice.id, bob.id);
    const id = await uploadId(h.t.url, alice, ab, 'a.png', await pngImage(40, 40));
    const other = await uploadId(h.t.url, alice, ab, 'b.png', await pngImage(50, 50));
    const url = new URL(await linkUrl(h.t.url, alice, id, 'thumbnail'), h.t.url);
    expect((await download(h.t.url, url.pathname + url.search)).status).toBe(200);
    const q = Object.fromEntries(url.searchParams) as { v: string; exp: string; sig: string };
    const at = (path: string, query: Record<string, string>) => `${path}?${new URLSearchParams(query).toString()}`;

    const secret = loadOrCreateSecrets(h.t.dataDir).fileLinkSecret;
    const stale = new FileLinks(secret, () => Date.now() - 10 * 60_000).sign(id, 'original');
    const forged = new FileLinks('not-the-server-secret', Date.now).sign(id, 'original');
    const cases: [string, string, RegExp][] = [
      ['expired (signed by the server)', stale.url, /expired/],
      ['signed with another key', forged.url, /not valid/],
      ['signature altered', at(url.pathname, { ...q, sig: q.sig.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }), /not valid/],
      ['expiry pushed back', at(url.pathname, { ...q, exp: String(Number(q.exp) + 3600_000) }), /not valid/],
      ['variant switched', at(url.pathname, { ...q, v: 'original' }), /not valid/],
      ['another file', at(`/files/${other}`, q), /not valid/],
      ['no signature', at(url.pathname, { v: q.v, exp: q.exp }), /not valid/],
      ['junk expiry', at(url.pathname, { ...q, exp: '1e99' }), /not valid/],
      ['a file that never existed', at('/files/f_doesnotexist0000', q), /not valid/],
    ];
    for (const [name, link, message] of cases) {
      const res = await download(h.t.url, link);
      expect(res.status, name).toBe(403);
      expect(res.headers.get('content-type'), name).toMatch(/^application\/json/);
      expect(JSON.parse(res.bytes.toString()), name).toEqual({ error: { code: 'forbidden', message: expect.stringMatching(message) } });
    }
  });
});
