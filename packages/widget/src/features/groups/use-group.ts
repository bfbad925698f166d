import { useEffect, useState } from 'preact/hooks';
import type { GroupInfo, GroupMember, PendingJoin } from '@quickchat/sdk/groups';
import { useChat } from '../../state/context.js';
import { useStore } from '../../state/use-store.js';
import { may } from './permissions.js';
import type { WidgetGroups } from './use-groups.js';

/** A group as its info screen shows it: settings, the members loaded so far, and (owners, admins) the join requests. */
export interface LoadedGroup {
  info: GroupInfo;
  members: GroupMember[];
  /** The next page's cursor (`after`), or null when every member is loaded. */
  next: string | null;
  requests: PendingJoin[];
}

/** What {@link useGroup} gives: the group (null until loaded), why it could not be loaded, and its controls. */
export interface GroupState {
  data: LoadedGroup | null;
  /** The load failed with this (for the screen to explain); null otherwise. */
  failed: unknown;
  /** True once the user is no longer a member (left, removed, dissolved), here or elsewhere. */
  left: boolean;
  /** Loads everything again (after an action). */
  reload(): void;
  /** Loads the next page of members; rejects with the server's refusal. */
  more(): Promise<void>;
}

/**
 * Loads a group's info, first page of members and (for those who may answer them) join
 * requests, and loads them again whenever the group changes: a notice in its conversation
 * (someone joined, left, was removed, a role or the name changed), a join request coming or
 * going, a new summary from sync.
 */
export function useGroup(groups: WidgetGroups, conversationId: string): GroupState {
  const { client } = useChat();
  const [data, setData] = useState<LoadedGroup | null>(null);
  const [failed, setFailed] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  const reload = () => setVersion((v) => v + 1);
  // The group's summary in the client (name, role, count): a change means the info is stale.
  const brief = useStore(client.conversations, (all) => all[conversationId]?.group, [conversationId]);
  const left = useStore(client.conversations, (all) => all[conversationId]?.left === true, [conversationId]);

  useEffect(() => {
    let live = true;
    Promise.all([groups.get(conversationId), groups.members(conversationId)])
      .then(async ([info, page]) => {
        const requests = may(info, 'moderate') ? await groups.requests(conversationId) : [];
        if (live) setData({ info, members: page.items, next: page.next, requests });
      })
      .catch((err: unknown) => live && setFailed(err));
    return () => void (live = false);
  }, [conversationId, version, brief, left]);

  useEffect(() => {
    const mine = (id: string) => id === conversationId;
    const stops = [
      client.on('message', ({ message }) => mine(message.conversationId) && message.content.type === 'system' && reload()),
      ...(['requested', 'requestCancelled', 'requestApproved', 'requestDeclined'] as const).map((name) => groups.on(name, ({ groupId }) => mine(groupId) && reload())),
    ];
    return () => stops.forEach((stop) => stop());
  }, [conversationId]);

  const more = async () => {
    if (!data?.next) return;
    const page = await groups.members(conversationId, { after: data.next });
    setData((d) => d && { ...d, members: [...d.members, ...page.items.filter((m) => !d.members.some((x) => x.user.id === m.user.id))], next: page.next });
  };
  return { data, failed, left, reload, more };
}
