import type { Store } from '../../store/types.js';

/** The reads a {@link WatchIndex} needs. */
export type WatchReads = Pick<Store, 'listFriendships' | 'getFriendship' | 'listGroupsOf' | 'getGroup' | 'listMemberIds'>;

/** What one viewer started and stopped watching after a change of their relations or groups. */
export interface WatchDiff {
  viewerId: string;
  gained: string[];
  lost: string[];
}

interface Viewer {
  friends: Set<string>;
  /** The small groups (see {@link WatchIndex}) the viewer is a member of. */
  groups: Set<string>;
}

interface WatchedGroup {
  members: Set<string>;
  /** Members with a session on this node. */
  viewers: Set<string>;
}

/**
 * Whose presence changes are pushed, unasked, to the users with a session on this node: each
 * one's mutual friends, and their co-members in groups of at most `maxGroupMembers` (larger groups
 * are subscribe-on-demand, so 1,000 members connecting cost nobody a frame). Indexed both ways, so
 * a change of one user finds its local watchers without a read, and kept current by
 * {@link relationsChanged} and {@link groupChanged}, which say who gained or lost whom.
 */
export class WatchIndex {
  private readonly viewers = new Map<string, Viewer>();
  private readonly groups = new Map<string, WatchedGroup>();
  /** Groups being read for a first viewer here. */
  private readonly loading = new Map<string, Promise<WatchedGroup | null>>();
  /** Target → local viewers who are their friends. */
  private readonly friendOf = new Map<string, Set<string>>();
  /** Member → the loaded groups they are in. */
  private readonly groupsWith = new Map<string, Set<string>>();

  constructor(
    private readonly store: WatchReads,
    private readonly maxGroupMembers: number,
  ) {}

  /** Starts indexing a viewer who opened a session here; resolves once their friends and small groups are in. */
  async add(viewerId: string): Promise<void> {
    if (this.viewers.has(viewerId)) return;
    const viewer: Viewer = { friends: new Set(), groups: new Set() };
    this.viewers.set(viewerId, viewer);
    const [friends, groupIds] = await Promise.all([this.store.listFriendships(viewerId, 'friends'), this.store.listGroupsOf(viewerId)]);
    if (this.viewers.get(viewerId) !== viewer) return;
    for (const row of friends) this.befriend(viewerId, viewer, row.peerId);
    for (const conversationId of groupIds) {
      const group = await this.load(conversationId);
      if (this.viewers.get(viewerId) !== viewer) {
        if (group?.viewers.size === 0) this.unload(conversationId);
        return;
      }
      if (!group || this.groups.get(conversationId) !== group) continue;
      group.viewers.add(viewerId);
      viewer.groups.add(conversationId);
    }
  }

  /** Stops indexing a viewer whose last session here went away. */
  remove(viewerId: string): void {
    const viewer = this.viewers.get(viewerId);
    if (!viewer) return;
    this.viewers.delete(viewerId);
    for (const friendId of viewer.friends) removeFrom(this.friendOf, friendId, viewerId);
    for (const conversationId of viewer.groups) {
      const group = this.groups.get(conversationId);
      group?.viewers.delete(viewerId);
      if (group?.viewers.size === 0) this.unload(conversationId);
    }
  }

  /** The local viewers who watch `targetId` (never `targetId` itself). */
  watchersOf(targetId: string): Set<string> {
    const watchers = new Set(this.friendOf.get(targetId));
    for (const conversationId of this.groupsWith.get(targetId) ?? []) {
      for (const viewerId of this.groups.get(conversationId)!.viewers) if (viewerId !== targetId) watchers.add(viewerId);
    }
    return watchers;
  }

  /** Everyone `viewerId` watches: friends and small-group co-members. */
  watchedBy(viewerId: string): Set<string> {
    const viewer = this.viewers.get(viewerId);
    const watched = new Set(viewer?.friends);
    for (const conversationId of viewer?.groups ?? []) for (const memberId of this.groups.get(conversationId)!.members) watched.add(memberId);
    watched.delete(viewerId);
    return watched;
  }

  /** Re-reads the friendship of each pair that has a viewer here; returns what those viewers gained and lost. */
  async relationsChanged(pairs: readonly (readonly [string, string])[]): Promise<WatchDiff[]> {
    const diffs: WatchDiff[] = [];
    for (const [a, b] of pairs) {
      for (const [viewerId, peerId] of [[a, b], [b, a]] as const) {
        if (!this.viewers.has(viewerId)) continue;
        const row = await this.store.getFriendship(viewerId, peerId);
        const viewer = this.viewers.get(viewerId);
        if (!viewer) continue;
        const before = this.watchedBy(viewerId).has(peerId);
        if (row?.status === 'friends') this.befriend(viewerId, viewer, peerId);
        else if (viewer.friends.delete(peerId)) removeFrom(this.friendOf, peerId, viewerId);
        const after = this.watchedBy(viewerId).has(peerId);
        if (before !== after) diffs.push({ viewerId, gained: after ? [peerId] : [], lost: before ? [peerId] : [] });
      }
    }
    return diffs;
  }

  /**
   * Re-reads a group whose settings or membership changed (it may have grown past the limit,
   * shrunk below it, gained or lost a local viewer, or been dissolved); returns what the local
   * viewers concerned gained and lost.
   */
  async groupChanged(conversationId: string): Promise<WatchDiff[]> {
    const group = await this.store.getGroup(conversationId);
    const small = group !== null && group.dissolvedAt === null && group.memberCount <= this.maxGroupMembers;
    const members = small ? new Set(await this.store.listMemberIds(conversationId)) : new Set<string>();
    const localMembers = [...members].filter((id) => this.viewers.has(id));
    const affected = new Set([...(this.groups.get(conversationId)?.viewers ?? []), ...localMembers]);
    if (affected.size === 0) return [];
    const before = new Map([...affected].map((viewerId) => [viewerId, this.watchedBy(viewerId)]));
    this.unload(conversationId);
    if (localMembers.length > 0) this.install(conversationId, { members, viewers: new Set(localMembers) });
    return [...affected].map((viewerId) => {
      const was = before.get(viewerId)!;
      const now = this.watchedBy(viewerId);
      return { viewerId, gained: [...now].filter((id) => !was.has(id)), lost: [...was].filter((id) => !now.has(id)) };
    });
  }

  private befriend(viewerId: string, viewer: Viewer, friendId: string): void {
    viewer.friends.add(friendId);
    addTo(this.friendOf, friendId, viewerId);
  }

  /** A small group's members, read once for every viewer here; null for a large or missing group. */
  private load(conversationId: string): Promise<WatchedGroup | null> {
    const loaded = this.groups.get(conversationId);
    if (loaded) return Promise.resolve(loaded);
    let pending = this.loading.get(conversationId);
    if (!pending) {
      pending = this.read(conversationId).finally(() => this.loading.delete(conversationId));
      this.loading.set(conversationId, pending);
    }
    return pending;
  }

  private async read(conversationId: string): Promise<WatchedGroup | null> {
    const group = await this.store.getGroup(conversationId);
    if (!group || group.dissolvedAt !== null || group.memberCount > this.maxGroupMembers) return null;
    const members = new Set(await this.store.listMemberIds(conversationId));
    return this.groups.get(conversationId) ?? this.install(conversationId, { members, viewers: new Set() });
  }

  private install(conversationId: string, group: WatchedGroup): WatchedGroup {
    this.groups.set(conversationId, group);
    for (const memberId of group.members) addTo(this.groupsWith, memberId, conversationId);
    for (const viewerId of group.viewers) this.viewers.get(viewerId)!.groups.add(conversationId);
    return group;
  }

  private unload(conversationId: string): void {
    const group = this.groups.get(conversationId);
    if (!group) return;
    this.groups.delete(conversationId);
    for (const memberId of group.members) removeFrom(this.groupsWith, memberId, conversationId);
    for (const viewerId of group.viewers) this.viewers.get(viewerId)?.groups.delete(conversationId);
  }
}

function addTo(index: Map<string, Set<string>>, key: string, value: string): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(value);
}

function removeFrom(index: Map<string, Set<string>>, key: string, value: string): void {
  const set = index.get(key);
  if (set?.delete(value) && set.size === 0) index.delete(key);
}
