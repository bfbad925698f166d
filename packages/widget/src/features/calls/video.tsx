import { useLayoutEffect, useRef } from 'preact/hooks';

/**
 * A `<video>` (or `<audio>`) playing a MediaStream. `version` re-attaches the same stream after
 * its tracks changed (a switched camera, a shared screen). `muted` for your own picture, so you
 * never hear yourself.
 */
export function MediaView({ stream, version = 0, kind = 'video', muted = false, class: className, label }: { stream: MediaStream; version?: number; kind?: 'video' | 'audio'; muted?: boolean; class?: string; label?: string }) {
  const el = useRef<HTMLVideoElement & HTMLAudioElement>(null);
  useLayoutEffect(() => {
    const media = el.current;
    if (!media) return;
    media.srcObject = null;
    media.srcObject = stream;
    media.play?.()?.catch?.(() => undefined); // autoplay handles it where play() is refused
  }, [stream, version]);
  const Tag = kind;
  return <Tag ref={el} class={className} aria-label={label} autoplay playsinline muted={muted} />;
}
