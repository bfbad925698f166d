import { useMemo } from 'preact/hooks';
import type { ChatClient } from '@quickchat/sdk';
import { groupsOf, type GroupsManager } from '@quickchat/sdk/groups';
import { useChat } from '../../state/context.js';

/** What the group screens call on the client's groups manager (`groupsOf(client)`). */
export type WidgetGroups = Pick<
  GroupsManager,
  'on' | 'create' | 'get' | 'edit' | 'dissolve' | 'members' | 'addMembers' | 'remove' | 'leave' | 'setRole' | 'transfer' | 'requests' | 'approve' | 'decline'
>;

/**
 * The signed-in client's groups manager (`@quickchat/sdk/groups`), made on first use. It lives
 * in the lazily loaded group screens, so the widget's entry carries none of it.
 */
export function useGroups(): WidgetGroups {
  const { client } = useChat();
  // Behind sign-in the context holds the SDK client the chat root was given (`WidgetClient`
  // narrows what screens read, not what it is); the manager attaches to it like any extension.
  return useMemo(() => groupsOf(client as unknown as ChatClient), [client]);
}
