import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { CallRequest, WidgetCallSession, WidgetCalls } from '../../state/calls.js';
import { useEnv } from '../../state/context.js';
import { useTakeFocus } from './focus.js';
import { Incoming } from './incoming.js';
import { InCall } from './in-call.js';
import { endedText, failureText } from './outcome.js';
import { usePeer } from './peer.js';
import { useCallText } from './strings.js';
import { CALL_CSS, addStyles } from './styles.js';
import { useCallSession } from './use-call.js';

/** What {@link CallUI} is given by the call layer. */
export interface CallUIProps {
  request: CallRequest;
  calls: WidgetCalls;
  /** The call screens are done (closed, or nothing to show): the layer removes them. */
  onDone(): void;
}

/**
 * One call's screens: places an outgoing call (`calls.place`) or picks up a ringing one
 * (`calls.sessionFor`), then shows the incoming dialog, the in-call view, and how it ended. A
 * call this device declined or that was answered on another device just closes; any other ending
 * stays on screen, in words, until closed.
 */
export function CallUI({ request, calls, onDone }: CallUIProps) {
  const { layout, options } = useEnv();
  const [session, setSession] = useState<WidgetCallSession | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const box = useRef<HTMLSpanElement>(null);
  const className = layout === 'launcher' ? 'qc-call-float' : '';

  useLayoutEffect(() => {
    const root = box.current?.getRootNode();
    if (root) addStyles(root as ShadowRoot, CALL_CSS, options.nonce);
  }, []);
  // A layout effect: the call starts (or is picked up) with the first render, never skipped by a quick close.
  useLayoutEffect(() => {
    if (request.kind === 'incoming') {
      const found = calls.sessionFor(request.call);
      if (found && found.state !== 'ended') setSession(found);
      else onDone();
      return;
    }
    let live = true;
    calls.place(request.peerId, request.media).then(
      (placed) => (live ? setSession(placed) : void placed.hangUp().catch(() => undefined)),
      (error: unknown) => live && setFailure(error ?? 'error'),
    );
    return () => void (live = false);
  }, []);

  const peerId = request.kind === 'incoming' ? request.call.callerId : request.peerId;
  let body;
  if (session) body = <Call session={session} className={className} onDone={onDone} />;
  else if (failure) body = <Ended peerId={peerId} text={(t, name) => failureText(failure, name, t)} className={className} onDone={onDone} />;
  else if (request.kind === 'outgoing') body = <Placing peerId={peerId} className={className} onCancel={onDone} />;
  return (
    <>
      <span ref={box} hidden />
      {body}
    </>
  );
}

/** A call with its session: ringing here, in progress, or ended. */
function Call({ session, className, onDone }: { session: WidgetCallSession; className: string; onDone(): void }) {
  const snap = useCallSession(session);
  if (snap.state === 'ended') {
    const ending = { outcome: snap.outcome, code: snap.code, direction: session.direction, error: snap.error, connectedMs: snap.connectedAt !== null ? (snap.endedAt ?? Date.now()) - snap.connectedAt : null };
    return <Ended peerId={session.peerId} text={(t, name) => endedText(ending, name, t)} className={className} onDone={onDone} />;
  }
  if (snap.state === 'ringing' && session.direction === 'incoming') return <Incoming session={session} className={className} />;
  return <InCall key="call" session={session} snap={snap} className={className} />;
}

/** An outgoing call while the camera opens and the server rings the other side (no session yet). */
function Placing({ peerId, className, onCancel }: { peerId: string; className: string; onCancel(): void }) {
  const t = useCallText();
  const { name } = usePeer(peerId);
  const heading = useRef<HTMLHeadingElement>(null);
  useTakeFocus(heading);
  return (
    <section class={`qc-call-card ${className}`} role="dialog" aria-labelledby="qc-call-title">
      <h2 id="qc-call-title" ref={heading} tabIndex={-1} dir="auto">
        {t('callWith', { name })}
      </h2>
      <p class="qc-call-status" role="status">
        {t('calling')}
      </p>
      <div class="qc-actions">
        <button type="button" class="qc-btn qc-danger" onClick={onCancel}>
          {t('hangUp')}
        </button>
      </div>
    </section>
  );
}

/** How a call ended (or why it could not start), in words, with Close; closes at once when there is nothing to say. */
function Ended({ peerId, text, className, onDone }: { peerId: string; text: (t: ReturnType<typeof useCallText>, name: string) => string | null; className: string; onDone(): void }) {
  const t = useCallText();
  const { name } = usePeer(peerId);
  const said = text(t, name);
  const close = useRef<HTMLButtonElement>(null);
  useTakeFocus(close);
  useLayoutEffect(() => {
    if (said === null) onDone();
  }, [said === null]);
  if (said === null) return null;
  return (
    <section class={`qc-call-card ${className}`} role="dialog" aria-labelledby="qc-call-title" aria-describedby="qc-call-ended">
      <h2 id="qc-call-title" dir="auto">
        {t('callWith', { name })}
      </h2>
      <p id="qc-call-ended" role="status">
        {said}
      </p>
      <div class="qc-actions">
        <button ref={close} type="button" class="qc-btn qc-secondary" onClick={onDone}>
          {t('close')}
        </button>
      </div>
    </section>
  );
}
