import { useEffect, useState } from 'preact/hooks';
import type { WidgetCallSession } from '../../state/calls.js';
import { Icon } from './icons.js';
import { canShareScreen, listDevices, openDevice, pickScreen, type OwnTracks } from './media.js';
import type { CallSnapshot } from './use-call.js';
import { useCallText } from './strings.js';

/**
 * The in-call controls: mute, camera on/off, screen share (only where the browser can share a
 * screen; on a call that sends no video it is unavailable, saying why, since the SDK can't add
 * video to a call without renegotiating), the microphone and camera choice, and hang up. Every
 * control is a button with a name; toggles say their state with `aria-pressed`. Problems (a
 * device that can't be opened, a refused share) are said in words.
 */
export function CallControls({ session, snap, own, onProblem }: { session: WidgetCallSession; snap: CallSnapshot; own: OwnTracks; onProblem(text: string | null): void }) {
  const t = useCallText();
  const [muted, setMuted] = useState(false);
  const [cameraOff, setCameraOff] = useState(false);
  const [screen, setScreen] = useState<MediaStreamTrack | null>(null);
  const [devicesOpen, setDevicesOpen] = useState(false);
  const audio = snap.local?.getAudioTracks()[0] ?? null;
  const video = snap.local?.getVideoTracks()[0] ?? null;
  const sharing = !!screen && video === screen;
  const say = (key: 'deviceFailed' | 'shareFailed', error: unknown) => onProblem(t(key, { error: error instanceof Error ? error.message : String(error) }));

  const share = async () => {
    if (!video) return onProblem(t('shareNeedsVideo'));
    if (sharing) {
      session.stopScreenShare();
      own.stop(screen!);
      return setScreen(null);
    }
    try {
      const stream = await pickScreen();
      const track = stream.getVideoTracks()[0]!;
      own.add(track, screen);
      session.shareScreen(stream);
      setScreen(track);
      onProblem(null);
    } catch (error) {
      if ((error as { name?: unknown }).name !== 'NotAllowedError') say('shareFailed', error); // NotAllowedError: the picker was cancelled
    }
  };

  return (
    <>
      <div class="qc-call-controls" role="group" aria-label={t('controls')}>
        {audio && (
          <button
            type="button"
            class="qc-call-btn"
            aria-pressed={muted}
            aria-label={t('mute')}
            onClick={() => {
              session.setAudioEnabled(muted);
              setMuted(!muted);
            }}
          >
            <Icon name="mic" off={muted} />
          </button>
        )}
        {video && !sharing && (
          <button
            type="button"
            class="qc-call-btn"
            aria-pressed={cameraOff}
            aria-label={t('cameraOff')}
            onClick={() => {
              session.setVideoEnabled(cameraOff);
              setCameraOff(!cameraOff);
            }}
          >
            <Icon name="camera" off={cameraOff} />
          </button>
        )}
        {canShareScreen() && (
          <button type="button" class="qc-call-btn" aria-pressed={sharing} aria-disabled={!video} aria-describedby={video ? undefined : 'qc-call-share-why'} aria-label={t('shareScreen')} onClick={() => void share()}>
            <Icon name="screen" />
            {!video && (
              <span id="qc-call-share-why" class="qc-sr">
                {t('shareNeedsVideo')}
              </span>
            )}
          </button>
        )}
        {(audio || video) && (
          <button type="button" class="qc-call-btn" aria-expanded={devicesOpen} aria-controls="qc-call-devices" aria-label={t('devices')} onClick={() => setDevicesOpen(!devicesOpen)}>
            <Icon name="devices" />
          </button>
        )}
        <button type="button" class="qc-call-btn qc-call-end" aria-label={t('hangUp')} onClick={() => void session.hangUp().catch(() => undefined)}>
          <Icon name="hangUp" />
        </button>
      </div>
      {devicesOpen && (
        <Devices
          audio={audio}
          video={sharing ? null : video}
          onPick={async (kind, deviceId) => {
            try {
              const track = await openDevice(kind, deviceId);
              const before = kind === 'audio' ? audio : video;
              session.switchInput(kind, track);
              own.add(track, before);
              onProblem(null);
            } catch (error) {
              say('deviceFailed', error);
            }
          }}
        />
      )}
    </>
  );
}

/** The microphone and camera lists (`enumerateDevices`), each a labelled select showing the device in use. */
function Devices({ audio, video, onPick }: { audio: MediaStreamTrack | null; video: MediaStreamTrack | null; onPick(kind: 'audio' | 'video', deviceId: string): void }) {
  const t = useCallText();
  const [lists, setLists] = useState<{ audio: MediaDeviceInfo[]; video: MediaDeviceInfo[] }>({ audio: [], video: [] });
  useEffect(() => {
    let live = true;
    Promise.all([listDevices('audioinput'), listDevices('videoinput')]).then(
      ([a, v]) => live && setLists({ audio: a, video: v }),
      () => undefined,
    );
    return () => void (live = false);
  }, []);
  const picker = (kind: 'audio' | 'video', track: MediaStreamTrack | null, devices: MediaDeviceInfo[]) =>
    track && (
      <label>
        {t(kind === 'audio' ? 'microphone' : 'camera')}
        <select class="qc-field" value={track.getSettings?.().deviceId ?? ''} onChange={(e) => onPick(kind, (e.currentTarget as HTMLSelectElement).value)}>
          {devices.map((d, i) => (
            <option key={d.deviceId} value={d.deviceId}>
              {d.label || t('device', { n: i + 1 })}
            </option>
          ))}
        </select>
      </label>
    );
  return (
    <div id="qc-call-devices" class="qc-call-devices">
      {picker('audio', audio, lists.audio)}
      {picker('video', video, lists.video)}
    </div>
  );
}
