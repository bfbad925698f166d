import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from './support/rest.js';
import type { RestResult } from './support/rest.js';
import { GroupsHarness } from './support/groups.js';
import { openReader, sendContent } from './support/messaging.js';
import { fileLink, pdfDocument, uploadId } from './support/uploads.js';

/**
 * The authorization matrix: every group operation tried by each kind of user. Only the allowed
 * cells succeed; every refused one leaves the database exactly as it was; an outsider's refusal
 * is the same answer as for a group that does not exist.
 */

const ROLES = ['outsider', 'requester', 'invitee', 'member', 'admin', 'owner', 'removed'] as const;
type Role = (typeof ROLES)[number];

/** The users of one cell's world, by role, plus a second plain member to act on. */
interface World {
  g: string;
  users: Record<Role | 'victim', TestUser>;
  /** The seq of a text message the victim (a plain member) sent, with a file. */
  victimSeq: number;
  /** The id of the file in that message. */
  fileId: string;
}

/** What an operation answers, reduced to a status. */
type Attempt = (h: GroupsHarness, actor: TestUser, w: World, groupId: string) => Promise<RestResult>;

let h: GroupsHarness;
const users = {} as Record<Role | 'victim', TestUser>;

beforeAll(async () => {
  h = await GroupsHarness.start({ limits: { maxOwnedGroups: 10_000, groupInvitesPerHour: 100_000, messagesPerSecond: 1000, messageBurst: 1000 } });
  for (const role of [...ROLES, 'victim'] as const) users[role] = await h.rest.register(role);
  for (const role of ['member', 'admin', 'removed', 'victim'] as const) await h.rest.befriend(users.owner, users[role]);
}, 60_000);
afterAll(async () => {
  await h?.close();
});

/** A fresh request-mode group: owner, an admin, two members, a removed member, a pending requester and invitee. */
async function world(): Promise<World> {
  const { owner } = users;
  const g = await h.createGroup(owner, { name: 'Matrix', joinMode: 'request', members: [users.member.id, users.admin.id, users.removed.id, users.victim.id, users.invitee.id] });
  const steps = [
    await h.setRole(owner, g, users.admin.id, 'admin'),
    await h.remove(owner, g, users.removed.id),
    await h.requestToJoin(users.requester, g, 'let me in'),
  ];
  for (const s of steps) if (s.status >= 300) throw new Error(`world setup failed: ${s.status} ${JSON.stringify(s.body)}`);
  const fileId = await uploadId(h.t.url, users.victim, g, 'minutes.pdf', pdfDocument());
  const said = await socketSend(users.victim, g, { type: 'text', text: 'victim says hello', attachments: [fileId] });
  if (said.status !== 200) throw new Error(`world setup failed: ${JSON.stringify(said.body)}`);
  // A search indexes what is pending now, so the indexer writes nothing while a cell runs.
  await h.rest.call('GET', '/api/search?q=settle', { token: owner.token });
  return { g, users, victimSeq: (said.body as { seq: number }).seq, fileId };
}

/** Every row of every table, to prove a refused operation changed nothing. */
function dump(): string {
  const db = openReader(h.t.dbFile);
  try {
    const tables = db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all();
    return JSON.stringify(tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}"`).all().map((r) => JSON.stringify(r)).sort()]));
  } finally {
    db.close();
  }
}

/** Sends content over a socket and reduces the answer to an HTTP-like status. */
async function socketSend(actor: TestUser, g: string, content: Record<string, unknown> = { type: 'text', text: 'hello' }): Promise<RestResult> {
  const c = await h.connect(actor);
  const reply = await sendContent(c, g, content);
  await c.close();
  if (reply.type === 'ack') return { status: 200, body: reply, headers: new Headers() };
  if (reply.type !== 'error') throw new Error(`unexpected reply ${JSON.stringify(reply)}`);
  return { status: reply.code === 'not_found' ? 404 : reply.code === 'forbidden' ? 403 : 400, body: { error: { code: reply.code, message: reply.message } }, headers: new Headers() };
}

const OK = [200, 201, 204];
const MEMBERS: Role[] = ['member', 'admin', 'owner'];
const ADMINS: Role[] = ['admin', 'owner'];

/**
 * Operation → [attempt, roles allowed, what a member refused gets]. A member whose role falls
 * short gets 403 (default); an operation that is not theirs at all (an invite or request they do
 * not hold) reads as 404. Everyone else gets 404.
 */
const MATRIX: Record<string, [Attempt, Role[], 403 | 404] | [Attempt, Role[]]> = {
  'read info': [(h, a, _w, g) => h.info(a, g), [...MEMBERS, 'requester', 'invitee']],
  'list members': [(h, a, _w, g) => h.members(a, g), MEMBERS],
  'read history': [(h, a, _w, g) => h.history(a, g), MEMBERS],
  'read-by': [(h, a, _w, g) => h.readBy(a, g, 1), MEMBERS],
  send: [(_h, a, _w, g) => socketSend(a, g), MEMBERS],
  rename: [(h, a, _w, g) => h.edit(a, g, { name: 'Renamed' }), ADMINS],
  'change join mode': [(h, a, _w, g) => h.edit(a, g, { joinMode: 'closed' }), ADMINS],
  'make history visible': [(h, a, _w, g) => h.edit(a, g, { historyVisible: true }), ['owner']],
  'add a user': [(h, a, w, g) => h.add(a, g, [w.users.outsider.id]), ADMINS],
  'remove a member': [(h, a, w, g) => h.remove(a, g, w.users.victim.id), ADMINS],
  'promote a member': [(h, a, w, g) => h.setRole(a, g, w.users.victim.id, 'admin'), ['owner']],
  'transfer ownership': [(h, a, w, g) => h.transfer(a, g, w.users.victim.id), ['owner']],
  dissolve: [(h, a, _w, g) => h.dissolve(a, g), ['owner']],
  'list join requests': [(h, a, _w, g) => h.requests(a, g), ADMINS],
  'approve a request': [(h, a, w, g) => h.approve(a, g, w.users.requester.id), ADMINS],
  'decline a request': [(h, a, w, g) => h.decline(a, g, w.users.requester.id), ADMINS],
  'list invites': [(h, a, _w, g) => h.invites(a, g), ADMINS],
  'withdraw an invite': [(h, a, w, g) => h.cancelInvite(a, g, w.users.invitee.id), ADMINS],
  'accept the invite': [(h, a, _w, g) => h.acceptInvite(a, g), ['invitee'], 404],
  'decline the invite': [(h, a, _w, g) => h.declineInvite(a, g), ['invitee'], 404],
  'withdraw the request': [(h, a, _w, g) => h.cancelRequest(a, g), ['requester'], 404],
  leave: [(h, a, _w, g) => h.leave(a, g), ['member', 'admin']],
  'reply to a message': [(_h, a, w, g) => socketSend(a, g, { type: 'text', text: 're', replyTo: w.victimSeq }), MEMBERS],
  'react to a message': [(_h, a, w, g) => socketSend(a, g, { type: 'reaction', target: w.victimSeq, emoji: '👍', active: true }), MEMBERS],
  "edit a member's message": [(_h, a, w, g) => socketSend(a, g, { type: 'edit', target: w.victimSeq, text: 'hijacked' }), []],
  "delete a member's message": [(_h, a, w, g) => socketSend(a, g, { type: 'delete', target: w.victimSeq }), ADMINS],
  'get a link to a file': [(h, a, w) => fileLink(h.t.url, a, w.fileId), MEMBERS],
  'search the group': [(h, a, _w, g) => h.rest.call('GET', `/api/search?q=victim&conversationId=${encodeURIComponent(g)}`, { token: a.token }), MEMBERS],
};

describe('group authorization matrix', () => {
  for (const [operation, [attempt, allowed, memberRefusal = 403]] of Object.entries(MATRIX)) {
    it(`${operation}: only ${allowed.join(', ') || 'the author'}`, async () => {
      for (const role of ROLES) {
        const w = await world();
        const before = dump();
        const res = await attempt(h, w.users[role], w, w.g);
        const cell = `${operation} by ${role}: ${res.status} ${JSON.stringify(res.body)}`;
        if (allowed.includes(role)) {
          expect(OK, cell).toContain(res.status);
          continue;
        }
        // The owner's leave is refused as a rule of its own (403 with a reason), like a role shortfall.
        expect(res.status, cell).toBe(MEMBERS.includes(role) ? memberRefusal : 404);
        expect(dump(), `${cell} changed the database`).toBe(before);
        // Someone with no tie to the group learns nothing: the answer is the one for no group at all.
        if (role === 'outsider' || role === 'removed') {
          const missing = await attempt(h, w.users[role], w, 'g:nosuchgroup');
          expect(res.body, `${cell}: differs from a missing group`).toEqual(missing.body);
        }
      }
    }, 60_000);
  }

  it('asking to join: outsiders and removed members may (request mode), an invitee joins, members are told they are in', async () => {
    const expected: Record<Role, [number, unknown]> = {
      outsider: [200, { status: 'requested' }],
      removed: [200, { status: 'requested' }],
      requester: [200, { status: 'requested' }],
      invitee: [200, { status: 'joined' }],
      member: [409, undefined],
      admin: [409, undefined],
      owner: [409, undefined],
    };
    for (const role of ROLES) {
      const w = await world();
      const res = await h.requestToJoin(w.users[role], w.g);
      expect(res.status, role).toBe(expected[role][0]);
      if (expected[role][1]) expect(res.body, role).toEqual(expected[role][1]);
    }
  });
});
