import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dmConversationId, type AckFrame, type ErrorFrame } from '@quickchat/protocol';
import { sendContent, sendTo } from './support/messaging.js';
import { startTestServer, type TestServer } from './support/server.js';
import { Rest } from './support/rest.js';
import { RawClient } from './support/ws-client.js';

/**
 * A deleted message leaves no trace of its text in the database: not in its row, not in the
 * entries of its earlier edits, not in the search index, not in free pages. Checked by reading
 * the bytes of every file in the data directory after the server closed (which checkpoints the
 * WAL into the database file and removes it).
 */

let t: TestServer | undefined;
afterEach(async () => t?.stop());

function acked(reply: AckFrame | ErrorFrame): AckFrame {
  if (reply.type !== 'ack') throw new Error(`expected an ack, got ${JSON.stringify(reply)}`);
  return reply;
}

/** Every file of the data directory but the secrets, concatenated byte for byte (as Latin-1). */
function dataDirBytes(dir: string): string {
  return readdirSync(dir, { recursive: true })
    .map((name) => join(dir, String(name)))
    .filter((file) => !file.endsWith('secrets.json') && existsSync(file) && !readdirSafe(file))
    .map((file) => readFileSync(file).toString('latin1'))
    .join('\n');
}

function readdirSafe(path: string): boolean {
  try {
    readdirSync(path);
    return true;
  } catch {
    return false;
  }
}

describe('deleting a message erases its text from storage', () => {
  it('leaves no byte of the original or edited text in any file, and the rest intact', async () => {
    t = await startTestServer();
    const rest = new Rest(t.url);
    const alice = await rest.register('alice');
    const bob = await rest.register('bob');
    await rest.befriend(alice, bob);
    const a = await RawClient.connect(t.wsUrl, alice.token);
    const dm = dmConversationId(alice.id, bob.id);

    const SECRET = 'zebraquartz7788 my bank pin';
    const EDITED = 'quasarmango5544 still secret';
    const KEPT = 'harmlesspineapple1234 stays';
    const doomed = acked(await sendTo(a, dm, SECRET));
    acked(await sendTo(a, dm, KEPT));
    // Indexed for search before the edit and the delete, so the index must let go of it too.
    const found = await rest.call('GET', '/api/search?q=zebraquartz7788', { token: bob.token });
    expect(found.body.items).toHaveLength(1);
    acked(await sendContent(a, dm, { type: 'edit', target: doomed.seq, text: EDITED }));
    expect((await rest.call('GET', '/api/search?q=quasarmango5544', { token: bob.token })).body.items).toHaveLength(1);
    acked(await sendContent(a, dm, { type: 'delete', target: doomed.seq }));
    expect((await rest.call('GET', '/api/search?q=quasarmango5544', { token: bob.token })).body.items).toHaveLength(0);
    expect((await rest.call('GET', '/api/search?q=harmlesspineapple1234', { token: bob.token })).body.items).toHaveLength(1);

    await a.close();
    await t.server.stop();
    expect(existsSync(join(t.dataDir, 'quickchat.db-wal'))).toBe(false);
    const bytes = dataDirBytes(t.dataDir);
    for (const gone of ['zebraquartz', 'quasarmango', 'bank pin', 'still secret']) expect(bytes.includes(gone), gone).toBe(false);
    expect(bytes.includes('harmlesspineapple1234')).toBe(true);
  });
});
