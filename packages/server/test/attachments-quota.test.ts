import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dmConversationId, ErrorCode } from '@quickchat/protocol';
import { ChatFixture, sendContent } from './support/messaging.js';
import type { TestUser } from './support/rest.js';
import { filesOnDisk, streamUpload, upload, uploadId, uploadPath } from './support/uploads.js';

const QUOTA = 3000;
let h: ChatFixture;
let alice: TestUser;
let bob: TestUser;
let ab: string;

beforeEach(async () => {
  h = await ChatFixture.start({ limits: { uploadQuotaBytes: QUOTA } });
  ({ alice, bob } = await h.users(['alice', 'bob'], [['alice', 'bob']]));
  ab = dmConversationId(alice.id, bob.id);
});
afterEach(async () => {
  await h.close();
});

const text = (bytes: number): Buffer => Buffer.alloc(bytes, 'a');
const overQuota = { code: ErrorCode.PayloadTooLarge, message: expect.stringMatching(new RegExp(`quota of ${QUOTA} bytes`)) };

describe('attachments: the per-user storage quota', () => {
  it('is checked before reading (declared length) and enforced after (chunked), counting sent files too; cancelling frees it', async () => {
    const first = await uploadId(h.t.url, alice, ab, 'a.txt', text(2000));
    const declared = await upload(h.t.url, alice, ab, 'b.txt', text(1500));
    expect([declared.status, declared.body]).toEqual([413, { error: overQuota }]);
    // Without a Content-Length the server learns the size only at the end: it stores, then refuses and deletes.
    const chunked = await streamUpload(h.t.url, alice.token, uploadPath(ab, 'c.txt'), [text(700), text(800)]);
    expect([chunked.status, chunked.body]).toEqual([413, { error: overQuota }]);
    expect(filesOnDisk(h.t.dataDir)).toHaveLength(1);

    // Up to the quota exactly is fine; a sent file still counts.
    const second = await uploadId(h.t.url, alice, ab, 'd.txt', text(1000));
    const ack = await sendContent(await h.connect(alice), ab, { type: 'text', text: 'files', attachments: [first, second] });
    expect(ack.type).toBe('ack');
    expect((await upload(h.t.url, alice, ab, 'e.txt', text(1))).status).toBe(413);

    // The quota is per user.
    expect((await upload(h.t.url, bob, ab, 'f.txt', text(2500))).status).toBe(201);

    const third = await streamUpload(h.t.url, bob.token, uploadPath(ab, 'g.txt'), [text(600)]);
    expect(third.status).toBe(413);
    const pending = (await upload(h.t.url, bob, ab, 'h.txt', text(500))).body.attachment.id;
    expect((await upload(h.t.url, bob, ab, 'i.txt', text(1))).status).toBe(413);
    expect((await h.rest.call('DELETE', `/api/uploads/${pending}`, { token: bob.token })).status).toBe(204);
    expect((await upload(h.t.url, bob, ab, 'j.txt', text(500))).status).toBe(201);
    expect(filesOnDisk(h.t.dataDir)).toHaveLength(4);
  });
});
