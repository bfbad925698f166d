/**
 * The group and search REST routes for component tests: answers the SDK's real `groupsOf(client)`
 * and `messagesOf(client)` managers through a {@link FakeClient}'s `rest.request`, from a scripted
 * group, and records every request. No network; friend-list routes still go to the FakeClient.
 */
import type { HttpRequest, PublicUser } from '@quickchat/sdk';
import type { GroupInfo, GroupMember, GroupRole, JoinMode, MembershipOutcome, PendingJoin } from '@quickchat/sdk/groups';
import type { SearchResponse } from '@quickchat/sdk/messages';
import { ME, user, type FakeClient } from './fake-client.js';

/** A route's answer: a value (or a promise of one), or a thrown error (the server's refusal). */
type Handler = (request: HttpRequest, match: RegExpExecArray) => unknown;

/** Scripted REST routes over a FakeClient, with a record of the requests they answered. */
export class ScriptedRest {
  /** Every request a route answered, in order: `METHOD path` and the body. */
  readonly requests: { call: string; body?: unknown }[] = [];
  private readonly routes: { method: string; path: RegExp; handler: Handler }[] = [];

  constructor(client: FakeClient) {
    const fallback = client.rest.request.bind(client.rest);
    client.rest.request = async <T,>(request: HttpRequest): Promise<T> => {
      // The newest route for a path wins, so a test overrides a default by adding its own.
      for (const route of [...this.routes].reverse()) {
        const match = route.method === request.method ? route.path.exec(request.path) : null;
        if (!match) continue;
        this.requests.push(request.body === undefined ? { call: `${request.method} ${request.path}` } : { call: `${request.method} ${request.path}`, body: request.body });
        return (await route.handler(request, match)) as T;
      }
      return fallback<T>(request);
    };
  }

  /** Answers `method` requests whose path (with its query) matches `path`. */
  on(method: HttpRequest['method'], path: RegExp, handler: Handler): this {
    this.routes.push({ method, path, handler });
    return this;
  }

  /** The calls made, without bodies: `['POST /api/groups/g%3A1/leave', …]`. */
  calls(): string[] {
    return this.requests.map((r) => r.call);
  }

  /** The calls that change something (not GET). */
  changes(): string[] {
    return this.calls().filter((c) => !c.startsWith('GET '));
  }
}

/** The scripted group's id (a conversation id), as it appears encoded in paths. */
export const GROUP_ID = 'g:climbers';
const GROUP_PATH = `/api/groups/${encodeURIComponent(GROUP_ID)}`;
/** `GROUP_ID`'s REST path with `rest` after it, as a pattern. */
export const groupPath = (rest = '') => new RegExp(`^${GROUP_PATH.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${rest}$`);

/** A member of the scripted group. */
export function member(person: PublicUser, role: GroupRole): GroupMember {
  return { user: person, role, joinedAt: Date.UTC(2025, 0, 1) };
}

/** What {@link serveGroup} serves. */
export interface GroupScript {
  myRole: GroupRole | null;
  joinMode?: JoinMode;
  name?: string;
  avatarUrl?: string | null;
  /** Members, in pages of `pageSize`. Default: me (in `myRole`) and an owner if I am not one. */
  members?: GroupMember[];
  pageSize?: number;
  requests?: PendingJoin[];
  outcome?: MembershipOutcome;
}

/** The people of the default group. */
export const PEOPLE = { owner: user('u_olga', 'Olga'), admin: user('u_adam', 'Adam'), member: user('u_mia', 'Mia'), other: user('u_max', 'Max') };

/**
 * Serves one group (`GROUP_ID`) over REST: its info, member pages, join requests, and every
 * change answered as stored (changes are only recorded: the group itself stays as scripted).
 */
export function serveGroup(client: FakeClient, script: GroupScript): ScriptedRest {
  const me = client.user.getState()!;
  const members = script.members ?? [
    ...(script.myRole === 'owner' ? [] : [member(PEOPLE.owner, 'owner')]),
    ...(script.myRole ? [member(me, script.myRole)] : []),
    member(PEOPLE.admin, 'admin'),
    member(PEOPLE.member, 'member'),
  ];
  const info: GroupInfo = {
    id: GROUP_ID,
    name: script.name ?? 'Climbers',
    avatarUrl: script.avatarUrl ?? null,
    description: '',
    joinMode: script.joinMode ?? 'invite',
    historyVisible: false,
    ownerId: members.find((m) => m.role === 'owner')?.user.id ?? ME,
    memberCount: members.length,
    createdAt: Date.UTC(2025, 0, 1),
    myRole: script.myRole,
  };
  const size = script.pageSize ?? 200;
  return new ScriptedRest(client)
    .on('GET', groupPath(), () => info)
    .on('GET', groupPath('/members(?:\\?(.*))?'), (_req, match) => {
      const after = new URLSearchParams(match[1] ?? '').get('after');
      const from = after ? members.findIndex((m) => m.user.id === after) + 1 : 0;
      const items = members.slice(from, from + size);
      return { items, next: from + size < members.length ? items.at(-1)!.user.id : null };
    })
    .on('GET', groupPath('/requests'), () => ({ items: script.requests ?? [] }))
    .on('PATCH', groupPath(), (req) => ({ ...info, ...(req.body as object) }))
    .on('POST', groupPath('/members'), () => script.outcome ?? { added: [], invited: [], skipped: [], refused: [] })
    .on('POST', groupPath('/(leave|transfer|requests/[^/]+/(approve|decline))'), () => undefined)
    .on('PUT', groupPath('/members/[^/]+/role'), () => undefined)
    .on('DELETE', groupPath('(/members/[^/]+)?'), () => undefined);
}

/** Serves `GET /api/search`: `pages` by cursor (`''` for the first page). */
export function serveSearch(client: FakeClient, pages: Record<string, SearchResponse>): ScriptedRest {
  return new ScriptedRest(client).on('GET', /^\/api\/search\?(.*)$/, (_req, match) => {
    const page = pages[new URLSearchParams(match[1]).get('cursor') ?? ''];
    if (!page) throw new Error(`no scripted search page for ${match[1]}`);
    return page;
  });
}
