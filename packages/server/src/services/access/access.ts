import { parseConversationId, type ParsedConversationId } from '@quickchat/protocol';
import { notFound } from '../../errors.js';
import { RELATIONS_TOPIC } from '../../bus/topics.js';
import type { Subscription } from '../../bus/types.js';
import type { ServiceContext } from '../context.js';
import { PermissionCache } from './permission-cache.js';
import { readDmPermission } from './dm-rules.js';

/** How many DM permission answers are cached (ordered pairs; roughly 150 bytes each). */
const PERMISSION_CACHE_SIZE = 100_000;
/**
 * How long a cached answer may be used. Invalidations travel on the bus, which is best-effort
 * across nodes; this bounds how long a lost invalidation could leave another node stale.
 */
const PERMISSION_TTL_MS = 30_000;
/** How many parsed ids, and ids of conversations known to exist, are kept. */
const ID_CACHE_SIZE = 10_000;

/**
 * Conversation access: the ONE place that answers who the members of a conversation are and
 * whether a user may read or write it, for the socket and REST alike. DMs today; groups and
 * calls plug in here (their rules beside `dm-rules.ts`), never beside it. Every refusal is the
 * same "not found", so a refusal reveals nothing about a conversation the user cannot see.
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
  private subscription: Subscription | null = null;

  constructor(private readonly ctx: ServiceContext) {
    this.permissions = new PermissionCache(ctx.now, PERMISSION_CACHE_SIZE, PERMISSION_TTL_MS);
  }

  /** Listens for relation changes made on any node; resolves once that subscription is live. */
  start(): Promise<void> {
    this.subscription ??= this.ctx.bus.subscribe(RELATIONS_TOPIC, (message) => this.forget(message.pairs));
    return this.subscription.ready;
  }

  /** Stops listening and forgets every cached answer (server shutdown). */
  close(): void {
    this.subscription?.unsubscribe();
    this.subscription = null;
    this.permissions.clear();
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
   * The members of a conversation that exists (for a DM, its two users). Groups add their
   * membership here, from the store.
   */
  async membersOf(conversationId: string): Promise<readonly string[]> {
    const parsed = this.parse(conversationId);
    if (parsed?.kind !== 'dm') throw notFound('conversation');
    return parsed.members;
  }

  /**
   * Checks that `userId` may read the conversation's history; throws "not found" otherwise. A
   * DM names its members, so this needs no I/O for DMs: one with no messages yet reads as an
   * empty history, which reveals nothing about the peer.
   */
  async requireReadable(userId: string, conversationId: string): Promise<void> {
    const parsed = this.parse(conversationId);
    if (parsed?.kind === 'dm' && parsed.members.includes(userId)) return;
    throw notFound('conversation');
  }

  /** The members of a conversation `userId` may write to; throws "not found" for every refusal. */
  async requireWritable(userId: string, conversationId: string): Promise<readonly string[]> {
    const members = this.writableNow(userId, conversationId);
    if (members !== undefined) return members;
    const parsed = this.parse(conversationId) as Extract<ParsedConversationId, { kind: 'dm' }>;
    const peer = parsed.members[0] === userId ? parsed.members[1] : parsed.members[0];
    const key = pairKey(userId, peer);
    const generation = this.permissions.generation;
    const { allowed, cacheable } = await readDmPermission(this.ctx.store, this.ctx.config.dmPolicy, userId, peer);
    if (cacheable) this.permissions.set(key, allowed, generation);
    if (!allowed) throw notFound('conversation');
    return parsed.members;
  }

  /**
   * {@link requireWritable} plus the conversation's existence: a DM is created explicitly, with
   * its two members, the first time either writes to it. Resolves with the members.
   */
  async openForSend(userId: string, conversationId: string): Promise<readonly string[]> {
    const members = await this.requireWritable(userId, conversationId);
    if (!this.existing.has(conversationId)) {
      await this.ctx.store.createConversation({ id: conversationId, kind: 'dm', members, createdAt: this.ctx.now() });
      this.existing.add(conversationId);
      trim(this.existing);
    }
    return members;
  }

  /**
   * {@link openForSend} without I/O, for the hot send path: the members when the permission is
   * cached and the conversation known to exist, `undefined` when the answer needs the store.
   * Throws "not found" for a refusal known at once.
   */
  openForSendNow(userId: string, conversationId: string): readonly string[] | undefined {
    const members = this.writableNow(userId, conversationId);
    return members !== undefined && this.existing.has(conversationId) ? members : undefined;
  }

  /** The write permission without I/O: members, `undefined` when unknown, or a thrown refusal. */
  private writableNow(userId: string, conversationId: string): readonly string[] | undefined {
    const parsed = this.parse(conversationId);
    // Groups have no rules yet, so no group is writable.
    if (parsed?.kind !== 'dm') throw notFound('conversation');
    const [a, b] = parsed.members;
    const peer = a === userId ? b : b === userId ? a : null;
    if (peer === null || peer === userId) throw notFound('conversation');
    const allowed = this.permissions.get(pairKey(userId, peer));
    if (allowed === false) throw notFound('conversation');
    return allowed ? parsed.members : undefined;
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
