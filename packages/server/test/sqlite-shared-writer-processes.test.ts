import { afterEach, describe, expect, it } from 'vitest';
import { dmConversationId, type UserEvent } from '@quickchat/protocol';
import { useSqliteFile, withRawDb } from './support/sqlite-file.js';
import { seededRandom } from './support/seeded-random.js';
import { StoreProcess } from './support/store-process.js';
import { storeViolations } from './support/store-invariants.js';
import { LATEST_SCHEMA_VERSION } from '../src/store/sqlite/migrations.js';
import type { AppendResult, GroupChange, GroupChangeResult, NewMessage, NewUserEvent } from '../src/store/types.js';
import type { MemberCursor } from '@quickchat/protocol';

/**
 * Shared-writer mode with real processes: each store lives in its own OS process
 * (`support/store-process.ts`), and both write one SQLite file at the same time. The workload is
 * fired at both processes at once and they run side by side, so which write lands first is up to
 * the OS; every check below holds whatever the interleaving.
 */
describe('SQLite shared-writer mode: two processes writing one file at once', () => {
  const sqlite = useSqliteFile('quickchat-shared-processes-');
  const processes: StoreProcess[] = [];
  const start = async (count: number): Promise<StoreProcess[]> => {
    const started = await Promise.all(Array.from({ length: count }, () => StoreProcess.start()));
    processes.push(...started);
    return started;
  };
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.close()));
  });

  const [U1, U2, U3, U4, U5] = ['u_one', 'u_two', 'u_three', 'u_four', 'u_five'];
  const DM12 = dmConversationId(U1, U2);
  const DM34 = dmConversationId(U3, U4);
  const G = 'g:spanning';
  const membersOf = (conversationId: string): string[] => (conversationId === DM12 ? [U1, U2] : conversationId === DM34 ? [U3, U4] : [U1, U2, U3, U4]);

  it('processes opening a new file at the same moment: one switches it to WAL and migrates it, the others wait and find it done', { timeout: 60_000 }, async () => {
    // Two openers of a new file both hold a read lock and both want the exclusive one to switch it
    // to WAL; SQLite refuses one at once (waiting could deadlock), so the store tries again. Several
    // rounds on fresh files, so the race is met (without the retry, about 1 open in 15 failed here).
    const all = await start(4);
    for (let round = 0; round < 8; round++) {
      const file = `${sqlite.path}.${round}`;
      await Promise.all(all.map((p) => p.open({ file, sharedWriter: true })));
      const [version, mode] = withRawDb(file, (db) => [db.pragma('user_version', { simple: true }), db.pragma('journal_mode', { simple: true })]);
      expect([version, mode]).toEqual([LATEST_SCHEMA_VERSION, 'wal']);
      // Every one of them writes.
      await all[0]!.call('createConversation', { id: DM12, kind: 'dm', members: [U1, U2], createdAt: 1 });
      const results = await Promise.all(all.map((p, i) => p.call('appendMessages', [{ id: `m_${i}`, conversationId: DM12, senderId: U1, clientMsgId: `k${i}`, content: { type: 'text', text: 'hi' }, createdAt: 2 }])));
      expect(results.map(([r]) => (r!.status === 'stored' ? r!.message.seq : 0)).sort()).toEqual([1, 2, 3, 4]);
      await Promise.all(all.map((p) => p.call('close')));
    }
  });

  it('concurrent appends, resends of one clientMsgId to both, cursors, user events and group changes: everything once, in order, counted right', { timeout: 120_000 }, async () => {
    const [a, b] = await start(2);
    await Promise.all([a!.open({ file: sqlite.path, sharedWriter: true }), b!.open({ file: sqlite.path, sharedWriter: true })]);
    await a!.call('createConversation', { id: DM12, kind: 'dm', members: [U1, U2], createdAt: 1 });
    await b!.call('createConversation', { id: DM34, kind: 'dm', members: [U3, U4], createdAt: 1 });
    const created = await b!.call('createGroup', {
      id: G,
      name: 'Spanning',
      avatarUrl: null,
      description: '',
      joinMode: 'request',
      historyVisible: false,
      ownerId: U1,
      members: [U2, U3, U4],
      pending: [],
      message: { id: 'm_created', conversationId: G, senderId: U1, clientMsgId: 'created', content: { type: 'system', action: 'created', actorId: U1 }, createdAt: 1 },
      events: [],
      createdAt: 1,
    });
    expect(created.status).toBe('applied');

    // Items both processes send (a client resending to the other node after a failover), and items of one process only.
    const random = seededRandom(1414);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const conversations = [DM12, DM34, G];
    const item = (tag: string, key: string, conversationId = pick(conversations), senderId = pick(membersOf(conversationId))): NewMessage => ({
      id: `m_${tag}_${key}`,
      conversationId,
      senderId,
      clientMsgId: key,
      content: { type: 'text', text: `${key} from ${tag}` },
      createdAt: 10,
    });
    const shared = Array.from({ length: 120 }, (_, i) => item('shared', `s${i}`));

    type Op =
      | { kind: 'append'; batch: NewMessage[] }
      | { kind: 'cursor'; conversationId: string; userId: string; read: number; delivered: number }
      | { kind: 'events'; events: NewUserEvent[] }
      | { kind: 'group'; change: GroupChange };
    const event = (userId: string, tag: string): NewUserEvent => ({ userId, kind: 'group', at: 20, conversationId: G, change: 'role', actorId: U1, subjectId: tag });
    const plan = (tag: string): Op[] => {
      const ops: Op[] = shared.map((s) => ({ kind: 'append', batch: [{ ...s, id: `m_${tag}_${s.clientMsgId}` }] }));
      for (let i = 0; i < 360; i++) {
        const roll = random();
        if (roll < 0.55) ops.push({ kind: 'append', batch: Array.from({ length: 1 + Math.floor(random() * 3) }, (_, j) => item(tag, `${tag}${i}_${j}`)) });
        else if (roll < 0.75) {
          const conversationId = pick(conversations);
          const read = Math.floor(random() * 200);
          ops.push({ kind: 'cursor', conversationId, userId: pick(membersOf(conversationId)), read, delivered: read + Math.floor(random() * 20) });
        } else if (roll < 0.87) ops.push({ kind: 'events', events: [event(pick([U1, U2, U3, U4, U5]), `${tag}${i}`), event(pick([U1, U5]), `${tag}${i}b`)] });
        else {
          // U5 joins or leaves (guarded: the other process may have moved first), or U3's role flips.
          const at = 100 + i;
          const notice = (actorId: string, action: 'joined' | 'left' | 'role_changed', extra = {}): NewMessage => ({
            id: `m_${tag}_n${i}`, conversationId: G, senderId: actorId, clientMsgId: `n:${tag}:${i}`, content: { type: 'system', action, actorId, ...extra }, createdAt: at,
          });
          const which = random();
          const change: GroupChange =
            which < 0.35
              ? { conversationId: G, add: [{ userId: U5, role: 'member' }], message: notice(U5, 'joined'), events: [event(U5, `${tag}${i}`), event(U1, `${tag}${i}`)], expect: { roles: { [U5]: null } }, at }
              : which < 0.7
                ? { conversationId: G, remove: [U5], message: notice(U5, 'left'), events: [event(U5, `${tag}${i}`)], expect: { roles: { [U5]: 'member' } }, at }
                : random() < 0.5
                  ? { conversationId: G, roles: [{ userId: U3, role: 'admin' }], message: notice(U1, 'role_changed', { subjectId: U3, role: 'admin' }), expect: { roles: { [U3]: 'member' } }, at }
                  : { conversationId: G, roles: [{ userId: U3, role: 'member' }], message: notice(U1, 'role_changed', { subjectId: U3, role: 'member' }), expect: { roles: { [U3]: 'admin' } }, at };
          ops.push({ kind: 'group', change });
        }
      }
      // Shuffle, so the shared items are sent by the two processes at different moments.
      for (let i = ops.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [ops[i], ops[j]] = [ops[j]!, ops[i]!];
      }
      return ops;
    };

    type Done =
      | { kind: 'append'; batch: NewMessage[]; results: AppendResult[] }
      | { kind: 'cursor'; op: Extract<Op, { kind: 'cursor' }>; result: { cursor: MemberCursor; changed: boolean } | null }
      | { kind: 'events'; asked: NewUserEvent[]; events: UserEvent[] }
      | { kind: 'group'; change: GroupChange; result: GroupChangeResult };
    const run = (p: StoreProcess, op: Op): Promise<Done> => {
      switch (op.kind) {
        case 'append':
          return p.call('appendMessages', op.batch).then((results) => ({ kind: 'append', batch: op.batch, results }));
        case 'cursor':
          return p.call('advanceCursor', op.conversationId, op.userId, { read: op.read, delivered: op.delivered }).then((result) => ({ kind: 'cursor', op, result }));
        case 'events':
          return p.call('appendUserEvents', op.events).then((events) => ({ kind: 'events', asked: op.events, events }));
        case 'group':
          return p.call('applyGroupChange', op.change).then((result) => ({ kind: 'group', change: op.change, result }));
      }
    };
    const plans = [plan('a'), plan('b')];
    // Everything is sent at once to both: each process works through its queue while the other does.
    const done = (await Promise.all([Promise.all(plans[0]!.map((op) => run(a!, op))), Promise.all(plans[1]!.map((op) => run(b!, op)))])).flat();

    // Every stored row is accounted for exactly once, and every resend got the original back.
    const rows = new Map<string, { id: string; clientMsgId: string; senderId: string }>();
    const byKey = new Map<string, { seq: number; id: string; stored: number; duplicates: number }>();
    const note = (conversationId: string, message: { seq: number; id: string; senderId: string; clientMsgId: string }, status: 'stored' | 'duplicate') => {
      const key = `${conversationId}/${message.senderId}/${message.clientMsgId}`;
      const seen = byKey.get(key) ?? { seq: message.seq, id: message.id, stored: 0, duplicates: 0 };
      expect({ seq: message.seq, id: message.id }, key).toEqual({ seq: seen.seq, id: seen.id });
      if (status === 'stored') {
        seen.stored += 1;
        const at = `${conversationId}#${message.seq}`;
        expect(rows.has(at), `two stored results at ${at}`).toBe(false);
        rows.set(at, message);
      } else seen.duplicates += 1;
      byKey.set(key, seen);
    };
    let groupApplied = 0;
    for (const d of done) {
      if (d.kind === 'append') {
        d.results.forEach((r, i) => {
          if (r.status !== 'stored' && r.status !== 'duplicate') throw new Error(`${d.batch[i]!.clientMsgId}: ${r.status}`);
          note(d.batch[i]!.conversationId, r.message, r.status);
        });
      } else if (d.kind === 'group' && d.result.status === 'applied') {
        groupApplied += 1;
        note(G, d.result.message!, 'stored');
      } else if (d.kind === 'group') {
        expect(d.result.status).toBe('stale');
      }
    }
    expect(groupApplied).toBeGreaterThan(5);
    for (const s of shared) {
      expect(byKey.get(`${s.conversationId}/${s.senderId}/${s.clientMsgId}`), s.clientMsgId).toMatchObject({ stored: 1, duplicates: 1 });
    }
    for (const [key, seen] of byKey) expect(seen.stored, key).toBe(1);

    // Open the file beside them, as a third writer would, and read it back.
    const observer = sqlite.open({ sharedWriter: true });
    for (const conversationId of conversations) {
      const history = (await observer.getMessages(conversationId, { limit: 10_000 })).messages;
      const created = conversationId === G ? 1 : 0;
      expect(history.length).toBe([...rows.keys()].filter((k) => k.startsWith(`${conversationId}#`)).length + created);
      for (const m of history.slice(created)) expect(rows.get(`${conversationId}#${m.seq}`), `${conversationId}#${m.seq}`).toMatchObject({ id: m.id, clientMsgId: m.clientMsgId, senderId: m.senderId });
    }
    // How often the writing process changed from one seq to the next (reported, not asserted: the OS decides).
    let switches = 0;
    for (const conversationId of conversations) {
      const writers = (await observer.getMessages(conversationId, { limit: 10_000 })).messages.map((m) => m.id.split('_')[1]);
      switches += writers.filter((w, i) => i > 0 && w !== writers[i - 1]).length;
    }
    console.log(`shared writers: ${rows.size} rows from 2 processes, the writer changed ${switches} times along the seqs`);
    // Seqs 1..N, DM sender counts, every member's unread against a recount, event seqs 1..K.
    expect(await storeViolations(observer, sqlite.path)).toEqual([]);

    // Cursors only move forward, so each ends at the furthest either process reported.
    const furthest = new Map<string, MemberCursor>();
    for (const d of done) {
      if (d.kind !== 'cursor' || d.result === null) continue;
      const key = `${d.op.conversationId}/${d.op.userId}`;
      const before = furthest.get(key);
      furthest.set(key, { userId: d.op.userId, delivered: Math.max(before?.delivered ?? 0, d.result.cursor.delivered), read: Math.max(before?.read ?? 0, d.result.cursor.read) });
    }
    expect(furthest.size).toBeGreaterThan(5);
    for (const [key, cursor] of furthest) {
      const [conversationId] = key.split('/');
      const state = await observer.getConversation(conversationId!, cursor.userId, 100);
      expect(state?.cursors.find((c) => c.userId === cursor.userId), key).toEqual(cursor);
    }

    // User events: no seq handed out twice across the processes, and none missing.
    const handedOut = new Map<string, number[]>();
    // (An event comes back without its owner: it is the owner of the event asked for at the same place.)
    const owned = done.flatMap((d) =>
      d.kind === 'events' ? d.events.map((e, i) => [d.asked[i]!.userId, e.seq] as const)
      : d.kind === 'group' && d.result.status === 'applied' ? d.result.events.map((e, i) => [d.change.events![i]!.userId, e.seq] as const)
      : [],
    );
    for (const [userId, seq] of owned) handedOut.set(userId, [...(handedOut.get(userId) ?? []), seq]);
    for (const [user, list] of handedOut) {
      expect(list.sort((x, y) => x - y), user).toEqual(Array.from({ length: list.length }, (_, i) => i + 1));
      expect(await observer.latestUserEventSeq(user)).toBe(list.length);
    }

    // The group: its last applied change (by notice seq) decides U5's membership and U3's role; the count matches the rows.
    const changes = done
      .filter((d): d is Extract<Done, { kind: 'group' }> => d.kind === 'group' && d.result.status === 'applied')
      .sort((x, y) => (x.result as { message: { seq: number } }).message.seq - (y.result as { message: { seq: number } }).message.seq);
    const lastOf = (test: (c: GroupChange) => boolean) => changes.filter((d) => test(d.change)).at(-1)?.change;
    const u5In = lastOf((c) => c.add !== undefined || c.remove !== undefined)?.add !== undefined;
    const u3Role = lastOf((c) => c.roles !== undefined)?.roles?.[0]?.role ?? 'member';
    expect(await observer.listMemberIds(G)).toEqual([U1, U2, U3, U4, ...(u5In ? [U5] : [])].sort());
    expect((await observer.getMember(G, U3))?.role).toBe(u3Role);
    expect((await observer.getGroup(G))?.memberCount).toBe(u5In ? 5 : 4);

    // Search: each process finds at once what the other one just committed.
    await b!.call('appendMessages', [item('b', 'late1', DM12, U1)].map((m) => ({ ...m, content: { type: 'text', text: 'xylophone recital' } })));
    expect((await a!.call('searchMessages', U2, { query: 'xylophone', limit: 5 })).hits.map((h) => h.conversationId)).toEqual([DM12]);
    await a!.call('appendMessages', [item('a', 'late2', G, U4)].map((m) => ({ ...m, content: { type: 'text', text: 'marimba practice' } })));
    expect((await b!.call('searchMessages', U3, { query: 'marimba', limit: 5, conversationId: G })).hits.map((h) => h.senderId)).toEqual([U4]);
  });
});
