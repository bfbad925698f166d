import { createContext } from 'preact';
import type { LocalMessage } from '@quickchat/sdk';
import type { Writable } from './context.js';
import type { ComposeMode } from './widget-client.js';

/** One thread's rich-message state, shared by its messages and its composer. */
export interface RichThread {
  /** The composer's mode; a message's Reply and Edit actions set it. */
  compose: Writable<ComposeMode>;
  /** Whether you may delete this message (yours; in a group also those of members your role outranks). */
  mayDelete(message: LocalMessage): boolean;
  /** Says why an action failed, in words (shown above the composer until dismissed or the next action); null clears it. */
  report(text: string | null): void;
}

/** Provided by the thread screen. */
export const RichThreadContext = createContext<RichThread | null>(null);

