import type { CallFrame, SignalFrame } from '@quickchat/protocol';
import { parseFrame, ProtocolError } from '@quickchat/protocol/validate';
import type { Subscription } from '../../bus/types.js';
import type { CallForward, CallSessionClosed } from '../../bus/messages.js';
import { nodeTopic } from '../../bus/topics.js';
import { AppError, errorFrameFor } from '../../errors.js';
import type { ServiceContext } from '../context.js';
import type { NodeDirectory } from '../nodes.js';
import { publishJsonToSession } from '../publish.js';
import type { CallService, CallSession } from './call-service.js';
import type { CallRegistry } from './registry.js';

/** A session of this node bound to a call another node runs. */
interface RemoteBinding {
  callId: string;
  owner: string;
}

/**
 * Where a call frame goes (docs/decisions/0011-call-state.md): every call runs on one node, its
 * owner (the node that took the invite). A `call` or `signal` frame from a session on another
 * node is forwarded to the owner over the owner's node topic; the owner answers the session on
 * the user's topic, errors included, as it answers its own sessions. A session here that is bound
 * to a call run elsewhere is reported to the owner when it closes, so the rejoin grace runs there.
 * With one node every call is this node's and nothing is forwarded. The gateway talks to this
 * router, never to the {@link CallService} directly.
 */
export class CallRouter {
  private subscription: Subscription | null = null;
  private stopWatching: () => void = () => {};
  /** By session id: sessions here bound to calls other nodes own. */
  private readonly remote = new Map<string, RemoteBinding>();

  constructor(
    private readonly ctx: ServiceContext,
    private readonly service: CallService,
    private readonly registry: CallRegistry,
    private readonly nodes: NodeDirectory,
  ) {}

  /**
   * Before the port opens: hears frames forwarded to this node, records the calls of nodes that
   * are gone (a previous run of this node that crashed, or another node) and keeps doing so for
   * each node that goes away later.
   */
  async start(): Promise<void> {
    this.subscription = this.ctx.bus.subscribe(nodeTopic(this.ctx.nodeId), (message) => {
      if (message.kind === 'call-forward') void this.onForwarded(message);
      else this.service.sessionClosed({ userId: message.userId, sessionId: message.sessionId });
    });
    const lastAliveAt = (owner: string) => this.nodes.lastAliveAt(owner);
    this.stopWatching = this.nodes.onNodeGone((nodeId) => {
      void this.service.recordCallsOfGoneNodes(async (owner) => owner === nodeId, lastAliveAt).catch((err: unknown) => this.ctx.log.error({ err, nodeId }, 'calls of a gone node not recorded'));
    });
    await this.subscription.ready;
    await this.service.recordCallsOfGoneNodes(async (owner) => owner !== this.ctx.nodeId && !(await this.nodes.isAlive(owner)), lastAliveAt);
  }

  /** Handles one `call` frame from a session of this node (refusals throw, as {@link CallService.handle}). */
  async handle(session: CallSession, frame: CallFrame): Promise<void> {
    if (frame.action === 'invite' || this.service.owns(frame.callId)) return this.service.handle(session, frame);
    const owner = await this.registry.ownerOf(frame.callId);
    if (owner === null || owner === this.ctx.nodeId) return this.service.handle(session, frame);
    if (frame.action === 'accept' || frame.action === 'rejoin') this.remote.set(session.sessionId, { callId: frame.callId, owner });
    this.forward(owner, session, frame);
  }

  /** Relays one `signal` frame (refusals throw, as {@link CallService.signal}). */
  signal(session: CallSession, frame: SignalFrame): void | Promise<void> {
    if (this.service.owns(frame.callId)) return this.service.signal(session, frame);
    const bound = this.remote.get(session.sessionId);
    if (bound?.callId === frame.callId) return this.forward(bound.owner, session, frame);
    return this.registry.ownerOf(frame.callId).then((owner) => {
      if (owner === null || owner === this.ctx.nodeId) return this.service.signal(session, frame);
      this.forward(owner, session, frame);
    });
  }

  /** A session of this node closed: its call's owner starts the rejoin grace, wherever it runs. */
  sessionClosed(session: CallSession): void {
    this.service.sessionClosed(session);
    const bound = this.remote.get(session.sessionId);
    if (!bound) return;
    this.remote.delete(session.sessionId);
    const message: CallSessionClosed = { kind: 'call-session-closed', userId: session.userId, sessionId: session.sessionId, callId: bound.callId };
    this.ctx.bus.publish(nodeTopic(bound.owner), message);
  }

  /** Server shutdown: ends this node's calls (see {@link CallService.close}) and stops listening. */
  async close(): Promise<void> {
    this.stopWatching();
    this.subscription?.unsubscribe();
    this.remote.clear();
    await this.service.close();
  }

  private forward(owner: string, session: CallSession, frame: CallFrame | SignalFrame): void {
    const message: CallForward = { kind: 'call-forward', userId: session.userId, sessionId: session.sessionId, json: JSON.stringify(frame) };
    this.ctx.bus.publish(nodeTopic(owner), message);
  }

  /** On the owner: a frame a session on another node sent. Refusals go back to that session. */
  private async onForwarded(message: CallForward): Promise<void> {
    const session: CallSession = { userId: message.userId, sessionId: message.sessionId };
    const frame = parseFrame(message.json);
    if (frame instanceof ProtocolError || (frame.type !== 'call' && frame.type !== 'signal')) {
      this.ctx.log.error({ sessionId: session.sessionId }, 'a forwarded call frame is not a call or signal frame');
      return;
    }
    try {
      if (frame.type === 'call') await this.service.handle(session, frame);
      else this.service.signal(session, frame);
    } catch (err) {
      this.replyError(session, frame.id, err);
    }
  }

  private replyError(session: CallSession, id: string | number | undefined, err: unknown): void {
    if (!(err instanceof AppError)) this.ctx.log.error({ err, sessionId: session.sessionId }, 'forwarded call frame failed');
    publishJsonToSession(this.ctx.bus, session.userId, session.sessionId, JSON.stringify(errorFrameFor(err, id)));
  }
}
