/**
 * Page script for sdk.browser.test.ts, bundled for Chromium with {@link bundleForBrowser}
 * (`conditions: ['source']`, so `@quickchat/sdk` is the TS source). It imports the SDK the way
 * an app does and runs it on the browser's own WebSocket, fetch and IndexedDB (nothing injected).
 * The test drives it through `window.chat` and polls what it records there.
 */
import { createClient, type ChatClient, type DeliveryState } from '@quickchat/sdk';
import { IndexedDBStorage } from '@quickchat/sdk/indexeddb';

/** How {@link PageApi.start} creates the client. */
export interface PageConfig {
  url: string;
  handle: string;
  password: string;
  /** Use `IndexedDBStorage({ dbName })` (default: the SDK's memory storage). */
  dbName?: string;
  autoConnect?: boolean;
}

/** A loaded message as plain data. */
export interface PageMessage {
  clientMsgId: string;
  text: string;
  state: DeliveryState;
  seq: number | null;
  senderId: string;
}

/** What the page exposes on `window.chat`. */
export interface PageApi {
  client: ChatClient | null;
  /** The client's state when created, then every state it entered, in order. */
  connectionStates: string[];
  /** `error` events of the client (`code: message`). */
  errors: string[];
  /** The distinct states each watched message went through, by clientMsgId. */
  states: Record<string, DeliveryState[]>;
  /** Creates the client (one per page load). */
  start(config: PageConfig): void;
  /** Sends `text` in the DM with `peerId` and watches it; returns its clientMsgId. */
  send(peerId: string, text: string): string;
  /** Records the state changes of an already loaded message (e.g. one restored after a reload). */
  watch(conversationId: string, clientMsgId: string): void;
  /** The loaded messages of a conversation. */
  list(conversationId: string): PageMessage[];
  /** A value straight from IndexedDB (`dbName`/`kv`), bypassing the SDK; null when absent. */
  readRaw(dbName: string, key: string): Promise<string | null>;
}

declare global {
  interface Window {
    chat: PageApi;
  }
}

function client(): ChatClient {
  if (!qc.client) throw new Error('chat.start() was not called');
  return qc.client;
}

function view(conversationId: string): PageMessage[] {
  return (client().messages.getState()[conversationId]?.items ?? []).map((m) => ({
    clientMsgId: m.clientMsgId,
    text: m.content.type === 'text' ? m.content.text : '',
    state: m.state,
    seq: m.seq,
    senderId: m.senderId,
  }));
}

const qc: PageApi = {
  client: null,
  connectionStates: [],
  errors: [],
  states: {},
  start(config) {
    if (qc.client) throw new Error('already started');
    const c = createClient({
      url: config.url,
      auth: { handle: config.handle, password: config.password },
      ...(config.dbName !== undefined ? { storage: new IndexedDBStorage({ dbName: config.dbName }) } : {}),
      ...(config.autoConnect !== undefined ? { autoConnect: config.autoConnect } : {}),
    });
    qc.client = c;
    // With autoConnect the client is already `connecting` when createClient returns.
    qc.connectionStates.push(c.connectionState);
    c.on('connectionStateChanged', ({ newState }) => void qc.connectionStates.push(newState));
    c.on('error', ({ error }) => void qc.errors.push(`${error.code}: ${error.message}`));
  },
  send(peerId, text) {
    const message = client().send(client().dmWith(peerId), text);
    qc.watch(message.conversationId, message.clientMsgId);
    return message.clientMsgId;
  },
  watch(conversationId, clientMsgId) {
    const select = (): DeliveryState | undefined => view(conversationId).find((m) => m.clientMsgId === clientMsgId)?.state;
    const seen: DeliveryState[] = (qc.states[clientMsgId] = []);
    const first = select();
    if (first) seen.push(first);
    client().messages.subscribe(select, (state) => {
      if (state && state !== seen.at(-1)) seen.push(state);
    });
  },
  list: view,
  readRaw: (dbName, key) =>
    new Promise((resolve, reject) => {
      const open = indexedDB.open(dbName);
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains('kv')) return db.close(), resolve(null);
        const get = db.transaction('kv').objectStore('kv').get(key);
        get.onerror = () => (db.close(), reject(get.error));
        get.onsuccess = () => (db.close(), resolve(typeof get.result === 'string' ? get.result : null));
      };
    }),
};

window.chat = qc;
