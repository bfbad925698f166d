import { afterEach, describe, expect, it } from 'vitest';
import { dmConversationId, type AckFrame, type ErrorFrame, type Message, type MessageFrame } from '@quickchat/protocol';
import { ChatFixture, messageIn, sendContent } from './support/messaging.js';
import { download, filesOnDisk, fileLink, linkUrl, pdfDocument, pngImage, uploadId } from './support/uploads.js';

/**
 * Files in messages: an upload is named in a message's `attachments`, stored with its
 * description in the same transaction, seen by every member, readable only by them; a second
 * message can't take the same file; deleting the message deletes its files.
 */

let fixture: ChatFixture;
afterEach(async () => fixture?.close());

function acked(reply: AckFrame | ErrorFrame): AckFrame {
  if (reply.type !== 'ack') throw new Error(`expected an ack, got ${JSON.stringify(reply)}`);
  return reply;
}

describe('attachments in messages', () => {
  it('are described in the stored message, readable by the members, and deleted with it', async () => {
    fixture = await ChatFixture.start();
    const { alice, bob, carol } = await fixture.users(['alice', 'bob', 'carol'], [['alice', 'bob']]);
    const dm = dmConversationId(alice.id, bob.id);
    const a = await fixture.connect(alice);
    const b = await fixture.connect(bob);
    const url = fixture.t.url;
    const photo = await uploadId(url, alice, dm, 'beach.png', await pngImage(640, 480));
    const doc = await uploadId(url, alice, dm, 'plan.pdf', pdfDocument());

    const sent = acked(await sendContent(a, dm, { type: 'text', text: 'photos from the trip', attachments: [photo, doc] }));
    const live = await b.next<MessageFrame>((f) => messageIn(dm)(f) && f.message.seq === sent.seq);
    const content = live.message.content;
    expect(content.type === 'text' && content.attachments).toEqual([
      { id: photo, name: 'beach.png', mime: 'image/png', size: expect.any(Number), width: 640, height: 480, thumbnail: true },
      { id: doc, name: 'plan.pdf', mime: 'application/pdf', size: expect.any(Number), thumbnail: false },
    ]);
    // Bob, a member, can fetch it; Carol can't tell it exists.
    expect((await download(url, await linkUrl(url, bob, photo, 'thumbnail'))).status).toBe(200);
    expect((await fileLink(url, carol, photo)).status).toBe(404);
    // A file goes in one message only.
    const again = await sendContent(a, dm, { type: 'text', text: 'again', attachments: [photo] });
    expect(again).toMatchObject({ type: 'error', code: 'validation' });

    const before = filesOnDisk(fixture.t.dataDir).length;
    acked(await sendContent(a, dm, { type: 'delete', target: sent.seq }));
    const page = (await fixture.rest.call<{ messages: Message[] }>('GET', `/api/conversations/${encodeURIComponent(dm)}/messages`, { token: bob.token })).body.messages;
    expect(page[0]!.content).toEqual({ type: 'deleted', by: alice.id });
    expect((await fileLink(url, bob, photo)).status).toBe(404);
    await expect.poll(() => filesOnDisk(fixture.t.dataDir).length).toBeLessThanOrEqual(before - 3);
  });

  it('refuses files that are someone else’s, for another conversation, or unknown, storing nothing', async () => {
    fixture = await ChatFixture.start();
    const { alice, bob, carol } = await fixture.users(['alice', 'bob', 'carol'], [['alice', 'bob'], ['alice', 'carol']]);
    const ab = dmConversationId(alice.id, bob.id);
    const ac = dmConversationId(alice.id, carol.id);
    const b = await fixture.connect(bob);
    const a = await fixture.connect(alice);
    const alices = await uploadId(fixture.t.url, alice, ab, 'a.pdf', pdfDocument());
    const forCarol = await uploadId(fixture.t.url, alice, ac, 'c.pdf', pdfDocument());
    for (const [client, ids] of [[b, [alices]], [a, [forCarol]], [a, ['f_doesnotexist0']]] as const) {
      const reply = await sendContent(client, ab, { type: 'text', text: 'x', attachments: [...ids] });
      expect(reply).toMatchObject({ type: 'error', code: 'validation' });
    }
    const history = await fixture.rest.call<{ messages: Message[] }>('GET', `/api/conversations/${encodeURIComponent(ab)}/messages`, { token: alice.token });
    expect(history.body.messages).toEqual([]);
  });

  it('caps the files per message at the configured number', async () => {
    fixture = await ChatFixture.start({ limits: { maxAttachmentsPerMessage: 2 } });
    const { alice, bob } = await fixture.users(['alice', 'bob'], [['alice', 'bob']]);
    const dm = dmConversationId(alice.id, bob.id);
    const a = await fixture.connect(alice);
    expect(a.frames.find((f) => f.type === 'ready')).toMatchObject({ limits: { messages: { maxAttachments: 2 } } });
    const ids = [];
    for (const name of ['1.pdf', '2.pdf', '3.pdf']) ids.push(await uploadId(fixture.t.url, alice, dm, name, pdfDocument()));
    expect(await sendContent(a, dm, { type: 'text', text: 'three', attachments: ids })).toMatchObject({ type: 'error', code: 'validation', message: 'content.attachments: at most 2 files per message' });
    acked(await sendContent(a, dm, { type: 'text', text: 'two', attachments: ids.slice(0, 2) }));
  });
});
