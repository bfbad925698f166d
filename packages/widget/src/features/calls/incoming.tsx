import { useEffect, useRef, useState } from 'preact/hooks';
import type { CallMedia } from '@quickchat/sdk/calls';
import type { WidgetCallSession } from '../../state/calls.js';
import { useTakeFocus } from './focus.js';
import { failureText } from './outcome.js';
import { PeerAvatar, usePeer } from './peer.js';
import { startRinging } from './ring.js';
import { useCallText } from './strings.js';

/**
 * The incoming-call dialog: who calls and how (video or voice), Accept with video, Accept audio
 * only (video calls), Decline. It shows over the page even while the launcher panel is closed,
 * is an `alertdialog` (screen readers
 * say it when it appears), and takes focus only when the visitor is in the widget already.
 * Escape does nothing here: declining is a deliberate press, since a reflexive Escape (the key
 * that closes any popup) must not turn a friend's call away. A refused answer (camera permission
 * denied, no device, answered elsewhere meanwhile) is said in words and the call keeps ringing.
 * A ring tone plays while it shows, where the browser allows sound (see ring.ts).
 */
export function Incoming({ session, className }: { session: WidgetCallSession; className: string }) {
  const t = useCallText();
  const { name, avatarUrl } = usePeer(session.peerId);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useTakeFocus(heading);
  useEffect(startRinging, []);
  const video = session.media.video;
  const title = t(video ? 'incomingVideo' : 'incomingAudio', { name });

  const answer = async (media: CallMedia | null) => {
    if (busy) return;
    setBusy(true);
    setProblem(null);
    try {
      await (media ? session.accept(media) : session.decline());
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      setProblem(code === 'conflict' ? t('notRinging') : failureText(error, name, t));
      setBusy(false);
    }
  };

  return (
    <div class={`qc-call-card ${className}`} role="alertdialog" aria-labelledby="qc-call-incoming" aria-describedby="qc-call-ringing">
      <div class="qc-call-who">
        <PeerAvatar name={name} avatarUrl={avatarUrl} />
        <div>
          <h2 id="qc-call-incoming" ref={heading} tabIndex={-1} dir="auto">
            {title}
          </h2>
          <p id="qc-call-ringing">{t('ringingHint')}</p>
        </div>
      </div>
      {problem && (
        <p class="qc-error" role="alert">
          {problem}
        </p>
      )}
      <div class="qc-actions" aria-busy={busy}>
        {video && (
          <button type="button" class="qc-btn" onClick={() => void answer({ audio: true, video: true })}>
            {t('acceptVideo')}
          </button>
        )}
        <button type="button" class={video ? 'qc-btn qc-secondary' : 'qc-btn'} onClick={() => void answer({ audio: true, video: false })}>
          {t(video ? 'acceptAudio' : 'accept')}
        </button>
        <button type="button" class="qc-btn qc-danger" onClick={() => void answer(null)}>
          {t('decline')}
        </button>
      </div>
    </div>
  );
}
