import { useEffect, useRef, useState } from 'preact/hooks';
import type { WidgetCallSession } from '../../state/calls.js';
import { CallControls } from './controls.js';
import { useTakeFocus } from './focus.js';
import { OwnTracks } from './media.js';
import { formatDuration } from './outcome.js';
import { PeerAvatar, usePeer } from './peer.js';
import { useCallText } from './strings.js';
import type { CallSnapshot } from './use-call.js';
import { MediaView } from './video.js';

/**
 * The call in progress: a dialog named "Call with …" whose heading takes focus when it opens. The
 * other side's video large (their avatar and name when they send no video), yours small, muted
 * and mirrored (not mirrored while you share a screen); the state in words ("Calling…",
 * "Connecting…", "Connected", "Reconnecting…" while the media path is lost), the duration since
 * it connected, a poor-connection hint from the session's `stats`, and the controls. Escape does
 * not hang up (see docs/widget.md#calls): only the Hang up button does.
 */
export function InCall({ session, snap, className }: { session: WidgetCallSession; snap: CallSnapshot; className: string }) {
  const t = useCallText();
  const { name, avatarUrl } = usePeer(session.peerId);
  const heading = useRef<HTMLHeadingElement>(null);
  useTakeFocus(heading);
  const [own] = useState(() => new OwnTracks());
  useEffect(() => () => own.stopAll(), []);
  const [problem, setProblem] = useState<string | null>(null);
  const now = useNow(snap.connectedAt !== null && snap.state === 'connected');

  // What the other side sends: the caller offered `media`; the callee answered with `acceptedMedia`.
  const theirVideo = session.direction === 'outgoing' ? !!session.call.acceptedMedia?.video : session.media.video;
  const localVideo = !!snap.local?.getVideoTracks().length;
  // A shared screen's track says what it shows (`displaySurface`); a camera's does not. Not mirrored.
  const screen = snap.local?.getVideoTracks()[0]?.getSettings?.().displaySurface !== undefined;
  const status = snap.reconnecting ? t('reconnecting') : snap.state === 'connected' ? t('connected') : snap.state === 'connecting' ? t('connecting') : t('calling');

  return (
    <section class={`qc-call ${className}`} role="dialog" aria-labelledby="qc-call-title">
      <div class="qc-call-head">
        <PeerAvatar name={name} avatarUrl={avatarUrl} />
        <div>
          <h2 id="qc-call-title" ref={heading} tabIndex={-1} dir="auto">
            {t('callWith', { name })}
          </h2>
          <p class="qc-call-status">
            <span role="status">{status}</span>
            {snap.connectedAt !== null && (
              <>
                {' · '}
                <span class="qc-sr">{t('duration')} </span>
                <time class="qc-call-time">{formatDuration(now - snap.connectedAt)}</time>
              </>
            )}
          </p>
        </div>
      </div>
      {snap.poor && !snap.reconnecting && (
        <p class="qc-call-hint" role="status">
          <span aria-hidden="true">⚠ </span>
          {t('poor')}
        </p>
      )}
      {problem && (
        <p class="qc-call-hint qc-error" role="alert">
          {problem}
        </p>
      )}
      <div class="qc-call-stage">
        {snap.remote && theirVideo ? (
          <MediaView stream={snap.remote} class="qc-call-remote" label={t('theirVideo', { name })} />
        ) : (
          <div class="qc-call-peer">
            <PeerAvatar name={name} avatarUrl={avatarUrl} />
            <p dir="auto">{name}</p>
            {snap.remote && <MediaView stream={snap.remote} kind="audio" />}
          </div>
        )}
        {snap.local && localVideo && <MediaView stream={snap.local} version={snap.localVersion} muted class={screen ? 'qc-call-self qc-call-screen' : 'qc-call-self'} label={t('yourVideo')} />}
      </div>
      <CallControls session={session} snap={snap} own={own} onProblem={setProblem} />
    </section>
  );
}

/** `Date.now()`, refreshed every second while `ticking`. */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!ticking) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}
