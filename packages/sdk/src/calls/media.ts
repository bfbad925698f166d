import type { CallMedia } from '@quickchat/protocol';

/**
 * Opens local media for a call side: the camera and/or microphone asked for. Resolves with null
 * for a call that sends nothing (data or receive only). Default: `navigator.mediaDevices.getUserMedia`.
 * It is only ever called by `place()` and `accept()`: a ringing device never opens its camera.
 */
export type MediaSource = (media: CallMedia) => Promise<MediaStream | null>;

/** The browser's camera and microphone. */
export const browserMedia: MediaSource = (media) => navigator.mediaDevices.getUserMedia(media);

/** Stops every track of a stream this SDK opened (releases the camera and microphone). */
export function stopStream(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

/** Enables or disables (mutes) a stream's tracks of one kind; returns whether it has any. */
export function enableTracks(stream: MediaStream | null, kind: 'audio' | 'video', enabled: boolean): boolean {
  const tracks = (kind === 'audio' ? stream?.getAudioTracks() : stream?.getVideoTracks()) ?? [];
  for (const track of tracks) track.enabled = enabled;
  return tracks.length > 0;
}
