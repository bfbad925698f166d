import type { GroupMemberRecord, GroupRecord } from '../../store/types.js';

interface Entry {
  /** The group as stored (null: none); undefined until read. */
  group: GroupRecord | null | undefined;
  /** Members (null: known not to be one), by user id. */
  members: Map<string, GroupMemberRecord | null>;
  expires: number;
}

/**
 * What the access seam last read about recently used groups: the group row and the standing of
 * the members who acted, so a send to a busy group costs no store read. Bounded in size (oldest
 * group dropped first) and age. Every group change drops its entry here and on every node (see
 * `ConversationAccess.groupChanged`); a read that straddles a drop is not cached (generations).
 */
export class GroupCache {
  private readonly entries = new Map<string, Entry>();
  private generationCounter = 0;

  constructor(
    private readonly now: () => number,
    private readonly maxGroups: number,
    private readonly ttlMs: number,
  ) {}

  /** Take this before reading the store; hand it to the setters with the answer. */
  get generation(): number {
    return this.generationCounter;
  }

  /** The cached group (null: known missing), or undefined when unknown. */
  group(conversationId: string): GroupRecord | null | undefined {
    return this.live(conversationId)?.group;
  }

  /** The cached membership (null: known non-member), or undefined when unknown. */
  member(conversationId: string, userId: string): GroupMemberRecord | null | undefined {
    return this.live(conversationId)?.members.get(userId);
  }

  setGroup(conversationId: string, group: GroupRecord | null, generation: number): void {
    const entry = this.writable(conversationId, generation);
    if (entry) entry.group = group;
  }

  setMember(conversationId: string, userId: string, member: GroupMemberRecord | null, generation: number): void {
    const entry = this.writable(conversationId, generation);
    if (!entry) return;
    entry.members.set(userId, member);
    // A busy group's member map stays bounded too.
    if (entry.members.size > 4 * this.maxGroups) entry.members.delete(entry.members.keys().next().value!);
  }

  /** Forgets one group. */
  drop(conversationId: string): void {
    this.generationCounter++;
    this.entries.delete(conversationId);
  }

  /** Forgets everything. */
  clear(): void {
    this.generationCounter++;
    this.entries.clear();
  }

  private live(conversationId: string): Entry | undefined {
    const entry = this.entries.get(conversationId);
    if (entry === undefined) return undefined;
    if (entry.expires > this.now()) return entry;
    this.entries.delete(conversationId);
    return undefined;
  }

  private writable(conversationId: string, generation: number): Entry | null {
    if (generation !== this.generationCounter) return null;
    let entry = this.live(conversationId);
    if (!entry) {
      entry = { group: undefined, members: new Map(), expires: this.now() + this.ttlMs };
      this.entries.set(conversationId, entry);
      if (this.entries.size > this.maxGroups) this.entries.delete(this.entries.keys().next().value!);
    }
    return entry;
  }
}
