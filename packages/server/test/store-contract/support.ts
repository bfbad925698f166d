import { afterEach, beforeEach } from 'vitest';
import { dmConversationId } from '@quickchat/protocol';
import type { Message } from '@quickchat/protocol';
import type { AppendResult, ConversationState, NewConversation, NewMessage, Store } from '../../src/store/types.js';

/** A freshly opened, empty store, how to restart it, and how to dispose of it. */
export interface OpenedStore {
  store: Store;
  /**
   * Closes `store` and opens another instance on the same data, as a server restart would:
   * nothing the first instance cached survives. Resolves the new instance.
   */
  reopen: () => Promise<Store>;
  /** Closes whichever instance is current and removes its data. */
  cleanup: () => Promise<void>;
}

/** Opens a fresh, empty store; called once per test. */
export type OpenStore = () => Promise<OpenedStore>;

/** The store under test in the current test, and how to restart it. */
export interface StoreUnderTest {
  /** The current instance (a new one after {@link reopen}). */
  readonly store: Store;
  /** Restarts the store on the same data; see {@link OpenedStore.reopen}. */
  reopen(): Promise<Store>;
}

/** Registers a fresh store per test in the enclosing describe block, and disposes of it after. */
export function useStore(open: OpenStore): StoreUnderTest {
  let opened: OpenedStore;
  let current: Store;
  beforeEach(async () => {
    opened = await open();
    current = opened.store;
  });
  afterEach(async () => {
    await opened.cleanup();
  });
  return {
    get store() {
      return current;
    },
    async reopen() {
      current = await opened.reopen();
      return current;
    },
  };
}

/** `allCursorsUpTo` where a test does not exercise it: every fixture conversation lists every member's cursors. */
export const EVERY = 100;

export const A = 'u_alice';
export const B = 'u_bob';
export const C = 'u_carol';
export const AB = dmConversationId(A, B);
export const AC = dmConversationId(A, C);
export const BC = dmConversationId(B, C);
/** A group of A, B and C. */
export const G = 'g:team';
/** A conversation id nobody created. */
export const MISSING = dmConversationId('u_x', 'u_y');

/** The members the fixtures give a conversation: both sides of a DM, everyone for {@link G}. */
export const membersOf = (id: string): string[] => (id === G ? [A, B, C] : id.slice(3).split('~'));

/** The conversation as the fixtures create it (members from {@link membersOf} unless given). */
export const conversation = (id: string, members = membersOf(id), createdAt = 1): NewConversation => ({
  id,
  kind: id.startsWith('dm:') ? 'dm' : 'group',
  members,
  createdAt,
});

/** Creates each conversation with its fixture members. */
export async function create(store: Store, ...ids: string[]): Promise<void> {
  for (const id of ids) await store.createConversation(conversation(id));
}

/** A message builder with its own id counter. */
export function messages() {
  let n = 0;
  return (conversationId: string, senderId: string, clientMsgId: string, createdAt = 1000): NewMessage => ({
    id: `m_${++n}_${clientMsgId}`,
    conversationId,
    senderId,
    clientMsgId,
    content: { type: 'text', text: `text ${clientMsgId}` },
    createdAt,
  });
}

export const seqs = (list: readonly Message[]): number[] => list.map((m) => m.seq);

/** The message of a stored or duplicate result; fails the test for any refusal. */
export function messageOf(result: AppendResult | undefined): Message {
  if (!result || !('message' in result)) throw new Error(`expected a message, got ${JSON.stringify(result)}`);
  return result.message;
}

/** `[status, seq]` of each result (seq 0 for a refusal), for compact assertions. */
export const outcomes = (results: readonly AppendResult[]): [AppendResult['status'], number][] =>
  results.map((r) => [r.status, 'message' in r ? r.message.seq : 0]);

/** The state with its cursors in user order, so two reads compare regardless of order. */
export const sortCursors = (state: ConversationState | null | undefined) =>
  state && { ...state, cursors: state.cursors.slice().sort((x, y) => x.userId.localeCompare(y.userId)) };

/** Member ids of a conversation as `viewer` sees it, sorted; null when the viewer cannot see it. */
export async function memberIds(store: Store, conversationId: string, viewer: string): Promise<string[] | null> {
  const state = await store.getConversation(conversationId, viewer, EVERY);
  return state ? state.cursors.map((c) => c.userId).sort() : null;
}
