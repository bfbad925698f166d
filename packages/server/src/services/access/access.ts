import { dmConversationId, ErrorCode, parseConversationId, type ParsedConversationId } from '@quickchat/protocol';
import { AppError, notFound } from '../../errors.js';
import { GROUPS_TOPIC, RELATIONS_TOPIC } from '../../bus/topics.js';
import type { Subscription } from '../../bus/types.js';
import type { GroupMemberRecord, GroupRecord, PendingRecord } from '../../store/types.js';
import type { ServiceContext } from '../context.js';
import { PermissionCache } from './permission-cache.js';
import { readDmPermission } from './dm-rules.js';
import { GroupCache } from './group-cache.js';
import { groupRefusal, type GroupOperation } from '@quickchat/protocol';

/** How many DM permission answers are cached (ordered pairs; roughly 150 bytes each). */
const PERMISSION_CACHE_SIZE = 100_000;
/**
 * How long a cached answer may be used. Invalidations travel on the bus, which is best-effort
 * across nodes; this bounds how long a lost invalidation could leave another node stale.
 */
const PERMISSION_TTL_MS = 30_000;
/** How many parsed ids, and ids of conversations known to exist, are kept. */
const ID_CACHE_SIZE = 10_000;
/** How many groups' rows and acting members are cached. */
const GROUP_CACHE_SIZE = 10_000;
/** Like {@link PERMISSION_TTL_MS}, for group rows and memberships. */
const GROUP_TTL_MS = 30_000;

/**
 * Who receives a conversation's frames: a DM's two users (each on their own topic), or a group's
 * members (through the group's topic, one publish whatever its size).
 */
export type Audience =
  | { kind: 'users'; userIds: readonly string[] }
  | { kind: 'group'; conversationId: string; memberCount: number };

/** A member's standing in a live group, checked for an operation. */
export interface GroupStanding {
  group: GroupRecord;
  member: GroupMemberRecord;
}

/** A user's relation to a live group: a member, or someone holding an invite or a request. */
export interface GroupRelation {
  group: GroupRecord;
  member: GroupMemberRecord | null;
  pending: PendingRecord | null;
}

/**
 * Conversation access: the ONE place that answers who the members of a conversation are and
 * whether a user may read or write it, for the socket and REST alike. DM rules are in
 * `dm-rules.ts`, group roles in `@quickchat/protocol`'s `group-rules.ts`; calls plug in here too. Every refusal to a
 * non-member is the same "not found", so it reveals nothing about a conversation the user cannot
 * see; a group member whose role falls short gets `forbidden`.
 *
 * DM permissions are cached per ordered pair; the friends service reports every relation
 * change through {@link relationsChanged}, which drops the pair here at once and on every
 * other node through the bus.
 */
export class ConversationAccess {
  private readonly permissions: PermissionCache;
  /** Valid conversation ids already parsed (parsing is pure), oldest first; bounded. */
  private readonly parsedIds = new Map<string, ParsedConversationId>();
  /** Conversations known to exist in the store (they are never deleted), oldest first; bounded. */
  private readonly existing = new Set<string>();
  private readonly groups: GroupCache;
  /** Audiences of DMs (their two users), so a send allocates none. */
  private readonly dmAudiences = new Map<string, Audience>();
  private subscriptions: Subscription[] = [];

  constructor(private readonly ctx: ServiceContext) {
    this.permissions = new PermissionCache(ctx.now, PERMISSION_CACHE_SIZE, PERMISSION_TTL_MS);
    this.groups = new GroupCache(ctx.now, GROUP_CACHE_SIZE, GROUP_TTL_MS);
  }

  /** Listens for relation and group changes made on any node; resolves once both subscriptions are live. */
  start(): Promise<void> {
    if (this.subscriptions.length === 0) {
      this.subscriptions = [
        this.ctx.bus.subscribe(RELATIONS_TOPIC, (message) => this.forget(message.pairs)),
        this.ctx.bus.subscribe(GROUPS_TOPIC, (message) => this.groups.drop(message.conversationId)),
      ];
    }
    return Promise.all(this.subscriptions.map((s) => s.ready)).then(() => undefined);
  }

  /** Stops listening and forgets every cached answer (server shutdown). */
  close(): void {
    for (const s of this.subscriptions) s.unsubscribe();
    this.subscriptions = [];
    this.forgetAll();
  }

  /**
   * Forgets every cached permission and group answer: after a bus outage, in which other nodes'
   * invalidations may have been lost, every answer is read from the store again.
   */
  forgetAll(): void {
    this.permissions.clear();
    this.groups.clear();
  }

  /**
   * A group's settings or membership changed (or may have: called even when the change failed).
   * Drops what is cached about it on this node at once, then on every node.
   */
  groupChanged(conversationId: string): void {
    this.groups.drop(conversationId);
    this.ctx.bus.publish(GROUPS_TOPIC, { kind: 'group-changed', conversationId });
  }

  /**
   * Relations changed between these unordered pairs (or may have: called even when the change
   * failed, since it may have committed before the error surfaced). Drops their cached answers
   * on this node at once, then on every node.
   */
  relationsChanged(pairs: [string, string][]): void {
    this.forget(pairs);
    this.ctx.bus.publish(RELATIONS_TOPIC, { kind: 'relations', pairs });
  }

  /**
   * Who receives a conversation's frames, with no permission check (the caller has one, e.g. a
   * cursor the store moved for a member): a DM's two users, a live group's members, or null for
   * a group that is gone.
   */
  async audienceOf(conversationId: string): Promise<Audience | null> {
    const parsed = this.parse(conversationId);
    if (parsed?.kind === 'dm') return this.dmAudience(conversationId, parsed.members);
    const group = parsed?.kind === 'group' ? await this.readGroup(conversationId) : null;
    return group ? { kind: 'group', conversationId, memberCount: group.memberCount } : null;
  }

  /**
   * Checks that `userId` may read the conversation's history and returns their floor (they see
   * only seq > floor); throws "not found" otherwise. A DM names its members, so this needs no I/O
   * for DMs: one with no messages yet reads as an empty history, which reveals nothing about the
   * peer. In a group, members read from their floor.
   */
  async requireReadable(userId: string, conversationId: string): Promise<number> {
    const parsed = this.parse(conversationId);
    if (parsed?.kind === 'dm' && parsed.members.includes(userId)) return 0;
    if (parsed?.kind === 'group') return (await this.requireGroupRole(userId, conversationId, 'participate', 'conversation')).member.floor;
    throw notFound('conversation');
  }

  /** Who receives what `userId` writes to the conversation; throws "not found" for every refusal. */
  async requireWritable(userId: string, conversationId: string): Promise<Audience> {
    const audience = this.writableNow(userId, conversationId);
    if (audience !== undefined) return audience;
    const parsed = this.parse(conversationId)!;
    if (parsed.kind === 'group') {
      const { group } = await this.requireGroupRole(userId, conversationId, 'participate', 'conversation');
      return { kind: 'group', conversationId, memberCount: group.memberCount };
    }
    const peer = parsed.members[0] === userId ? parsed.members[1] : parsed.members[0];
    const key = pairKey(userId, peer);
    const generation = this.permissions.generation;
    const { allowed, cacheable } = await readDmPermission(this.ctx.store, this.ctx.config.dmPolicy, userId, peer);
    if (cacheable) this.permissions.set(key, allowed, generation);
    if (!allowed) throw notFound('conversation');
    return this.dmAudience(conversationId, parsed.members);
  }

  /**
   * {@link requireWritable} plus the conversation's existence: a DM is created explicitly, with
   * its two members, the first time either writes to it (a group exists from its creation).
   * Resolves with the audience.
   */
  async openForSend(userId: string, conversationId: string): Promise<Audience> {
    const audience = await this.requireWritable(userId, conversationId);
    if (audience.kind === 'users' && !this.existing.has(conversationId)) {
      await this.ctx.store.createConversation({ id: conversationId, kind: 'dm', members: audience.userIds, createdAt: this.ctx.now() });
      this.existing.add(conversationId);
      trim(this.existing);
    }
    return audience;
  }

  /**
   * Whether `callerId` may ring `peerId`: calls are 1:1 and follow the DM rule (mutual friends
   * under `dmPolicy: 'friends'`; anyone not blocked either way under `'anyone'`; see
   * docs/decisions/0011-call-state.md). Resolves with their DM's id, which now exists so the
   * call's record can be written there; throws the same "not found" for a stranger, a blocked
   * user, oneself and a user who does not exist.
   */
  async requireCallable(callerId: string, peerId: string): Promise<string> {
    if (callerId === peerId) throw notFound('user');
    const conversationId = dmConversationId(callerId, peerId);
    try {
      await this.openForSend(callerId, conversationId);
    } catch (err) {
      throw err instanceof AppError && err.code === ErrorCode.NotFound ? notFound('user') : err;
    }
    return conversationId;
  }

  /**
   * {@link openForSend} without I/O, for the hot send path: the audience when the permission is
   * cached and the conversation known to exist, `undefined` when the answer needs the store.
   * Throws "not found" for a refusal known at once.
   */
  openForSendNow(userId: string, conversationId: string): Audience | undefined {
    const audience = this.writableNow(userId, conversationId);
    return audience !== undefined && (audience.kind === 'group' || this.existing.has(conversationId)) ? audience : undefined;
  }

  /**
   * `userId`'s standing in a live group, checked for `operation`: "not found" when the group is
   * missing or dissolved or `userId` is not a member (the same answer for each), `forbidden` when
   * their role falls short. The one role check of every group operation.
   */
  async requireGroupRole(userId: string, conversationId: string, operation: GroupOperation, noun = 'group'): Promise<GroupStanding> {
    const group = await this.readGroup(conversationId);
    const member = group ? await this.readMember(conversationId, userId) : null;
    if (!group || !member) throw notFound(noun);
    const why = groupRefusal(operation, member.role, group.joinMode);
    if (why !== null) throw new AppError(ErrorCode.Forbidden, why);
    return { group, member };
  }

  /**
   * `userId`'s relation to a live group (member, invitee or requester), read fresh from the store
   * for a decision about membership; "not found" for everyone else, as for a missing group.
   */
  async requireGroupRelation(userId: string, conversationId: string): Promise<GroupRelation> {
    const group = await this.ctx.store.getGroup(conversationId);
    if (!group || group.dissolvedAt !== null) throw notFound('group');
    const member = await this.ctx.store.getMember(conversationId, userId);
    const pending = member ? null : await this.ctx.store.getPending(conversationId, userId);
    if (!member && !pending) throw notFound('group');
    return { group, member, pending };
  }

  /** A live group, from the cache when fresh; null when missing or dissolved. */
  async readGroup(conversationId: string): Promise<GroupRecord | null> {
    const cached = this.groups.group(conversationId);
    if (cached !== undefined) return cached;
    const generation = this.groups.generation;
    const stored = await this.ctx.store.getGroup(conversationId);
    const group = stored && stored.dissolvedAt === null ? stored : null;
    this.groups.setGroup(conversationId, group, generation);
    return group;
  }

  private async readMember(conversationId: string, userId: string): Promise<GroupMemberRecord | null> {
    const cached = this.groups.member(conversationId, userId);
    if (cached !== undefined) return cached;
    const generation = this.groups.generation;
    const member = await this.ctx.store.getMember(conversationId, userId);
    this.groups.setMember(conversationId, userId, member, generation);
    return member;
  }

  /** The write permission without I/O: the audience, `undefined` when unknown, or a thrown refusal. */
  private writableNow(userId: string, conversationId: string): Audience | undefined {
    const parsed = this.parse(conversationId);
    if (parsed?.kind === 'group') return this.groupWritableNow(userId, conversationId);
    if (parsed?.kind !== 'dm') throw notFound('conversation');
    const [a, b] = parsed.members;
    const peer = a === userId ? b : b === userId ? a : null;
    if (peer === null || peer === userId) throw notFound('conversation');
    const allowed = this.permissions.get(pairKey(userId, peer));
    if (allowed === false) throw notFound('conversation');
    return allowed ? this.dmAudience(conversationId, parsed.members) : undefined;
  }

  private groupWritableNow(userId: string, conversationId: string): Audience | undefined {
    const group = this.groups.group(conversationId);
    const member = this.groups.member(conversationId, userId);
    if (group === null || member === null) throw notFound('conversation');
    if (group === undefined || member === undefined) return undefined;
    return { kind: 'group', conversationId, memberCount: group.memberCount };
  }

  private dmAudience(conversationId: string, members: readonly string[]): Audience {
    let audience = this.dmAudiences.get(conversationId);
    if (!audience) {
      audience = { kind: 'users', userIds: members };
      this.dmAudiences.set(conversationId, audience);
      trim(this.dmAudiences);
    }
    return audience;
  }

  private forget(pairs: readonly (readonly [string, string])[]): void {
    this.permissions.drop(pairs.flatMap(([a, b]) => [pairKey(a, b), pairKey(b, a)]));
  }

  private parse(conversationId: string): ParsedConversationId | null {
    const known = this.parsedIds.get(conversationId);
    if (known) return known;
    const parsed = parseConversationId(conversationId);
    if (parsed) {
      this.parsedIds.set(conversationId, parsed);
      trim(this.parsedIds);
    }
    return parsed;
  }
}

/** Drops the oldest entries of an insertion-ordered cache past {@link ID_CACHE_SIZE}. */
function trim(cache: { size: number; keys(): IterableIterator<string>; delete(key: string): boolean }): void {
  while (cache.size > ID_CACHE_SIZE) cache.delete(cache.keys().next().value!);
}

/** Cache key of the ordered pair (sender, peer). */
function pairKey(senderId: string, peerId: string): string {
  return `${senderId}\n${peerId}`;
}
