import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorFrame, ServerFrame } from '@quickchat/protocol';
import { GroupsHarness } from './support/groups.js';
import type { RawClient } from './support/ws-client.js';
import { externalIssuer } from './support/external-users.js';
import { isPresence, presenceFrames, presenceRequest, subscribe, waitForState } from './support/presence.js';
import { openSqliteStore, type SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { systemMessage } from '../src/services/groups/notices.js';

/**
 * Presence in groups past `presenceMaxGroupMembers` (100): nothing is pushed unasked; members
 * subscribe to whom they show, and strangers learn nothing. The group (1,000 members) is made
 * through the store, as in groups-large.test.ts. The storm: hundreds of members connect at once.
 */
const MEMBERS = 1000;
const { auth: EXTERNAL_AUTH, user } = externalIssuer('presence');
const BATCH_MS = 50;

describe(`presence in a group of ${MEMBERS}`, () => {
  let h: GroupsHarness;
  let store: SqliteStore;
  let dataDir: string;
  let ids: string[];
  const g = 'g:presencebig';
  const small = 'g:presencesmall';

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'quickchat-presence-'));
    store = openSqliteStore({ file: join(dataDir, 'quickchat.db') });
    h = await GroupsHarness.start({
      dataDir,
      store,
      auth: EXTERNAL_AUTH,
      limits: { connectionsPerIp: MEMBERS + 50, presenceBatchMs: BATCH_MS, presenceGraceMs: 20, messagesPerSecond: 10_000, messageBurst: 10_000 },
    });
    ids = Array.from({ length: MEMBERS }, (_, i) => `p${String(i).padStart(4, '0')}`);
    const at = Date.now();
    for (const id of [...ids, 'stranger']) await store.upsertExternalUser({ id, displayName: id, avatarUrl: null, createdAt: at });
    const group = (id: string, members: string[]) =>
      store.createGroup({
        id,
        ownerId: members[0]!,
        name: id,
        avatarUrl: null,
        description: '',
        joinMode: 'closed',
        historyVisible: false,
        members: members.slice(1),
        pending: [],
        message: systemMessage(id, members[0]!, { action: 'created', changes: { name: id } }, at),
        events: [],
        createdAt: at,
      });
    expect((await group(g, ids)).status).toBe('applied');
    // A small group (50) of the first members, whose presence is pushed unasked.
    expect((await group(small, ids.slice(0, 50))).status).toBe('applied');
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('no presence storm: 900 members connecting cost a subscriber a few frames, and a non-subscriber none', async () => {
    const [subscriber, bystander, smallMember] = [await h.connect(user(ids[998]!)), await h.connect(user(ids[999]!)), await h.connect(user(ids[0]!))];
    // Subscribe to everyone in two frames of 500.
    expect(await subscribe(subscriber, ids.slice(0, 500))).toHaveLength(500);
    const second = await subscribe(subscriber, ids.slice(500, 1000));
    expect(second.find((s) => s.userId === ids[999])).toEqual({ userId: ids[999], status: 'online' });
    const counts = () => [subscriber, bystander, smallMember].map((c) => presenceFrames(c).length);
    const before = counts();
    const started = Date.now();
    const connecting = ids.slice(1, 901);
    const sockets = await Promise.all(connecting.map((id) => h.connect(user(id))));
    const elapsed = Date.now() - started;
    // Wait until the subscriber was told every one of them is online, then let the small-group member catch up.
    const online = new Set<string>();
    const seen = (f: ServerFrame) => {
      if (isPresence(f)) for (const s of f.users) if (s.status === 'online') online.add(s.userId);
      return connecting.every((id) => online.has(id));
    };
    if (!subscriber.frames.some(seen)) await subscriber.next(seen, 30_000);
    await waitForState(smallMember, ids[49]!, 'online');
    for (const c of [subscriber, bystander, smallMember]) await c.roundTrip();
    const [toSubscriber, toBystander, toSmallMember] = counts().map((n, i) => n - before[i]!);
    const bound = Math.ceil((Date.now() - started) / BATCH_MS) + 2;
    console.log(
      `[presence-storm] ${connecting.length} members connected in ${elapsed} ms; presence frames: subscriber ${toSubscriber} ` +
        `(bound ${bound}), bystander ${toBystander}, small-group member ${toSmallMember} (49 co-members changed)`,
    );
    expect(toSubscriber).toBeLessThanOrEqual(bound);
    expect(toSubscriber).toBeLessThan(connecting.length / 10);
    expect(toBystander).toBe(0);
    expect(toSmallMember).toBeLessThanOrEqual(bound);
    expect(toSmallMember).toBeLessThan(49);
    // The small-group member was told about its co-members, and about nobody else of the large group.
    const told = new Set(presenceFrames(smallMember).flatMap((f) => f.users.map((u) => u.userId)));
    expect([...told].every((id) => ids.indexOf(id) < 50)).toBe(true);
    await Promise.all(sockets.map((s) => s.close()));
  }, 120_000);

  it('subscribe answers current states and pushes changes until unsubscribe; strangers get unknown and nothing', async () => {
    const viewer = await h.connect(user(ids[960]!));
    const stranger = await h.connect(user('stranger'));
    expect(await subscribe(viewer, [ids[970]!])).toEqual([{ userId: ids[970], status: 'offline' }]);
    expect(await subscribe(stranger, [ids[970]!, ids[960]!])).toEqual([
      { userId: ids[970], status: 'unknown' },
      { userId: ids[960], status: 'unknown' },
    ]);
    const target = await h.connect(user(ids[970]!));
    await waitForState(viewer, ids[970]!, 'online');
    const reply = await presenceRequest(viewer, { unsubscribe: [ids[970]] });
    expect(reply).toMatchObject({ type: 'presence', users: [] });
    await target.close();
    // A change the viewer still follows comes after the one it dropped: nothing about ids[970] before it.
    await subscribe(viewer, [ids[971]!]);
    const other = await h.connect(user(ids[971]!));
    await waitForState(viewer, ids[971]!, 'online');
    expect(presenceFrames(viewer).flatMap((f) => f.users).filter((u) => u.userId === ids[970]).map((u) => u.status)).toEqual(['offline', 'online']);
    await other.close();
    await stranger.roundTrip();
    expect(presenceFrames(stranger).flatMap((f) => f.users).every((u) => u.status === 'unknown')).toBe(true);
  });

  it('refuses bad presence frames with a clear error and keeps the session', async () => {
    const c: RawClient = await h.connect(user(ids[950]!));
    const error = async (body: Record<string, unknown>) => (await presenceRequest(c, body)) as ErrorFrame;
    // Too many ids in one frame, ids of the wrong shape, operator objects: the protocol's validation.
    expect(await error({ subscribe: Array.from({ length: 501 }, (_, i) => `x${i}`) })).toMatchObject({ type: 'error', code: 'validation' });
    expect(await error({ subscribe: ['has space'] })).toMatchObject({ type: 'error', code: 'validation' });
    expect(await error({ subscribe: [{ $gt: '' }] })).toMatchObject({ type: 'error', code: 'validation' });
    expect(await error({ unsubscribe: 'p0001' })).toMatchObject({ type: 'error', code: 'validation' });
    // Past the per-session cap (1,000): refused, and nothing of that frame applied.
    expect(await subscribe(c, ids.slice(0, 500))).toHaveLength(500);
    expect(await subscribe(c, ids.slice(500, 1000))).toHaveLength(500);
    const capped = await error({ subscribe: ['stranger'] });
    expect(capped).toMatchObject({ type: 'error', code: 'validation' });
    expect(capped.message).toMatch(/at most 1000/);
    // Unsubscribing in the same frame makes room.
    expect(await presenceRequest(c, { unsubscribe: [ids[0]], subscribe: ['stranger'] })).toMatchObject({ type: 'presence', users: [{ userId: 'stranger', status: 'unknown' }] });
    await c.roundTrip();
  });
});
