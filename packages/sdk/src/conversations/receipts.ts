import type { Environment, TimerHandle } from '../connection/environment.js';
import type { EmitEvent } from '../events.js';
import type { FrameHook } from '../extension/frame-hook.js';
import type { ServerLimits } from '../session/session-info.js';
import type { Conversations } from './conversations.js';

/** Receipts and typing: see {@link createReceipts}. */
export interface Receipts {
  /** See `ChatClient.markRead`. */
  markRead(conversationId: string): void;
  /** See `ChatClient.setTyping`. */
  setTyping(conversationId: string, active: boolean): void;
  /** A peer's message surfaced: acknowledges delivery, once per burst per conversation. */
  delivered(conversationId: string): void;
  /** Stops pending delivery acknowledgements. */
  dispose(): void;
}

/**
 * Delivered/read cursors and typing, both ways: applies `receipt` and `typing` frames to the
 * stores (and emits them), and tells the server what this device received, read and types.
 * `cursor(id)` is the highest seq surfaced in a conversation. No typing goes to a group you left
 * or one with more members than `limits().groups.typingMaxMembers` (the server relays none there).
 */
export function createReceipts(
  hook: FrameHook,
  convs: Conversations,
  env: Environment,
  cursor: (conversationId: string) => number,
  emit: EmitEvent,
  limits: () => ServerLimits | null,
): Receipts {
  const timers = new Map<string, TimerHandle>();
  hook.onFrame('receipt', (frame) => {
    for (const message of convs.receipt(frame)) emit('messageUpdated', { message });
    emit('receipt', { conversationId: frame.conversationId, userId: frame.userId, delivered: frame.delivered, read: frame.read });
  });
  hook.onFrame('typing', (frame) => {
    convs.typing(frame.conversationId, frame.userId, frame.active);
    emit('typing', { conversationId: frame.conversationId, userId: frame.userId, active: frame.active });
  });
  return {
    markRead(conversationId) {
      const read = cursor(conversationId);
      if (read > 0) hook.send({ type: 'receipt', conversationId, read });
    },
    setTyping(conversationId, active) {
      const c = convs.conversations.getState()[conversationId];
      if (!c?.left && !((c?.group?.memberCount ?? 0) > (limits()?.groups?.typingMaxMembers ?? Infinity))) hook.send({ type: 'typing', conversationId, active });
    },
    delivered(conversationId) {
      if (timers.has(conversationId)) return;
      timers.set(
        conversationId,
        env.setTimeout(() => {
          timers.delete(conversationId);
          hook.send({ type: 'receipt', conversationId, delivered: cursor(conversationId) });
        }, 50),
      );
    },
    dispose() {
      for (const t of timers.values()) env.clearTimeout(t);
      timers.clear();
    },
  };
}
