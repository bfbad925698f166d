/**
 * The browser media the call controls use beyond the SDK: listing microphones and cameras,
 * opening one of them, and sharing a screen. Tracks opened here are the widget's own (the SDK
 * never stops tracks an app passed in), so {@link OwnTracks} stops them when replaced or when
 * the call ends.
 */

/** Whether this browser can share a screen (`getDisplayMedia`; missing on mobile browsers). */
export function canShareScreen(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getDisplayMedia === 'function';
}

/** The microphones (`audioinput`) or cameras (`videoinput`) of this device. */
export async function listDevices(kind: 'audioinput' | 'videoinput'): Promise<MediaDeviceInfo[]> {
  const all = (await navigator.mediaDevices?.enumerateDevices?.()) ?? [];
  return all.filter((d) => d.kind === kind && d.deviceId !== '');
}

/** Opens one microphone or camera, by device id; resolves with its track. */
export async function openDevice(kind: 'audio' | 'video', deviceId: string): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia({ [kind]: { deviceId: { exact: deviceId } } });
  const track = (kind === 'audio' ? stream.getAudioTracks() : stream.getVideoTracks())[0];
  if (!track) throw new Error(`no ${kind} track`);
  return track;
}

/** Asks the browser for a screen (or window, or tab) to share. */
export function pickScreen(): Promise<MediaStream> {
  return navigator.mediaDevices.getDisplayMedia({ video: true });
}

/** The tracks the widget opened for one call (switched devices, shared screens): stopped when replaced, and all at the end. */
export class OwnTracks {
  private readonly tracks = new Set<MediaStreamTrack>();

  /** Remembers `track` as ours; stops `replaced` if it was ours too. */
  add(track: MediaStreamTrack, replaced?: MediaStreamTrack | null): void {
    this.tracks.add(track);
    if (replaced && this.tracks.delete(replaced)) replaced.stop();
  }

  /** Stops and forgets `track` if it is ours. */
  stop(track: MediaStreamTrack): void {
    if (this.tracks.delete(track)) track.stop();
  }

  /** Stops every track still held. */
  stopAll(): void {
    for (const track of this.tracks) track.stop();
    this.tracks.clear();
  }
}
