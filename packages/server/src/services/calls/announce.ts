import type { CallEventFrame } from '@quickchat/protocol';
import type { Bus } from '../../bus/types.js';
import { publishJsonToOtherSessions, publishJsonToSession, publishJsonToUsers } from '../publish.js';
import type { Call, CallSide } from './call.js';

/** The session whose `call` frame caused a transition: its copy echoes the request id. */
export interface CallOrigin {
  userId: string;
  sessionId: string;
  requestId?: CallEventFrame['id'];
}

/**
 * Tells every session of both users (or of `sides` only) where the call is now: each side's
 * bound session gets `here: true`, every other device `here: false` (on a callee's device,
 * `accepted` with `here: false` is "answered elsewhere"). The session that asked gets its copy
 * with its request id. Everything travels on the users' topics, so it reaches them on any node.
 */
export function announceCall(bus: Bus, call: Call, origin: CallOrigin | null, sides: readonly CallSide[] = ['caller', 'callee']): void {
  for (const side of sides) {
    const userId = call.userOf(side);
    const bound = call.sessionOf(side);
    // A side has at most one session that differs from its other devices: the bound one, or,
    // while nothing is bound (a callee declining), the one that asked.
    const asker = origin?.userId === userId && (bound === null || bound === origin.sessionId) ? origin : null;
    const special = bound ?? asker?.sessionId ?? null;
    if (special === null) {
      publishJsonToUsers(bus, [userId], JSON.stringify(call.view(false)));
      continue;
    }
    const own: CallEventFrame = { ...call.view(special === bound), ...(asker?.requestId !== undefined ? { id: asker.requestId } : {}) };
    publishJsonToSession(bus, userId, special, JSON.stringify(own));
    publishJsonToOtherSessions(bus, userId, special, JSON.stringify(call.view(false)));
  }
}
