import type { ErrorBody, CreateGroupResponse, GroupInfo, GroupMembersResponse, JoinRequestsResponse, MembershipOutcome } from '@quickchat/protocol';
import type { ServerOptions } from '../../src/config.js';
import { ChatFixture } from './messaging.js';
import type { RestResult, TestUser } from './rest.js';
import { startTestServer } from './server.js';

/** A {@link ChatFixture} with shortcuts for every group route (each returns the raw result). */
export class GroupsHarness extends ChatFixture {
  static override async start(overrides: Partial<ServerOptions> = {}): Promise<GroupsHarness> {
    return new GroupsHarness(await startTestServer(overrides));
  }

  private call<T = unknown>(user: TestUser, method: string, path: string, body?: unknown): Promise<RestResult<T>> {
    return this.rest.call<T>(method, path, { token: user.token, ...(body === undefined ? {} : { body }) });
  }

  create(owner: TestUser, body: Record<string, unknown>) {
    return this.call<CreateGroupResponse>(owner, 'POST', '/api/groups', body);
  }
  /** Creates a group and returns its id; throws unless 201. */
  async createGroup(owner: TestUser, body: Record<string, unknown> = {}): Promise<string> {
    const res = await this.create(owner, { name: 'Hikers', ...body });
    if (res.status !== 201) throw new Error(`create group: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.group.id;
  }
  info(user: TestUser, id: string) {
    return this.call<GroupInfo>(user, 'GET', `/api/groups/${encodeURIComponent(id)}`);
  }
  edit(user: TestUser, id: string, body: Record<string, unknown>) {
    return this.call<GroupInfo>(user, 'PATCH', `/api/groups/${encodeURIComponent(id)}`, body);
  }
  dissolve(user: TestUser, id: string) {
    return this.call(user, 'DELETE', `/api/groups/${encodeURIComponent(id)}`);
  }
  members(user: TestUser, id: string, query = '') {
    return this.call<GroupMembersResponse>(user, 'GET', `/api/groups/${encodeURIComponent(id)}/members${query}`);
  }
  add(user: TestUser, id: string, userIds: string[]) {
    return this.call<MembershipOutcome>(user, 'POST', `/api/groups/${encodeURIComponent(id)}/members`, { userIds });
  }
  remove(user: TestUser, id: string, target: string) {
    return this.call(user, 'DELETE', `/api/groups/${encodeURIComponent(id)}/members/${target}`);
  }
  leave(user: TestUser, id: string) {
    return this.call(user, 'POST', `/api/groups/${encodeURIComponent(id)}/leave`);
  }
  setRole(user: TestUser, id: string, target: string, role: string) {
    return this.call(user, 'PUT', `/api/groups/${encodeURIComponent(id)}/members/${target}/role`, { role });
  }
  transfer(user: TestUser, id: string, target: string) {
    return this.call(user, 'POST', `/api/groups/${encodeURIComponent(id)}/transfer`, { userId: target });
  }
  requestToJoin(user: TestUser, id: string, memo?: string) {
    return this.call<{ status: string }>(user, 'POST', `/api/groups/${encodeURIComponent(id)}/requests`, memo === undefined ? {} : { memo });
  }
  cancelRequest(user: TestUser, id: string) {
    return this.call(user, 'DELETE', `/api/groups/${encodeURIComponent(id)}/requests`);
  }
  requests(user: TestUser, id: string) {
    return this.call<JoinRequestsResponse>(user, 'GET', `/api/groups/${encodeURIComponent(id)}/requests`);
  }
  approve(user: TestUser, id: string, target: string) {
    return this.call(user, 'POST', `/api/groups/${encodeURIComponent(id)}/requests/${target}/approve`);
  }
  decline(user: TestUser, id: string, target: string) {
    return this.call(user, 'POST', `/api/groups/${encodeURIComponent(id)}/requests/${target}/decline`);
  }
  invites(user: TestUser, id: string) {
    return this.call<JoinRequestsResponse>(user, 'GET', `/api/groups/${encodeURIComponent(id)}/invites`);
  }
  cancelInvite(user: TestUser, id: string, target: string) {
    return this.call(user, 'DELETE', `/api/groups/${encodeURIComponent(id)}/invites/${target}`);
  }
  acceptInvite(user: TestUser, id: string) {
    return this.call(user, 'POST', `/api/groups/${encodeURIComponent(id)}/invites/accept`);
  }
  declineInvite(user: TestUser, id: string) {
    return this.call(user, 'POST', `/api/groups/${encodeURIComponent(id)}/invites/decline`);
  }
  myInvites(user: TestUser) {
    return this.call<{ items: { group: GroupInfo; inviterId: string }[] }>(user, 'GET', '/api/group-invites');
  }
  history(user: TestUser, id: string, query = '') {
    return this.call<{ messages: { seq: number; senderId: string; content: { type: string } }[]; hasMore: boolean }>(user, 'GET', `/api/conversations/${encodeURIComponent(id)}/messages${query}`);
  }
  readBy(user: TestUser, id: string, seq: number) {
    return this.call<{ seq: number; read: number; delivered: number; of: number }>(user, 'GET', `/api/conversations/${encodeURIComponent(id)}/read-by?seq=${seq}`);
  }
}

/** The error of a refused REST call (throws when the call did not fail). */
export function errorOf(res: RestResult<unknown>): ErrorBody['error'] {
  const body = res.body as Partial<ErrorBody> | undefined;
  if (res.status < 400 || !body?.error) throw new Error(`expected an error, got ${res.status} ${JSON.stringify(res.body)}`);
  return body.error;
}
