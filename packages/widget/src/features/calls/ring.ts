/**
 * The ring of an incoming call: two short tones every 3 s, synthesized with Web Audio (no sound
 * file to fetch, nothing for a CSP to refuse). Browsers only let a page make sound once the
 * visitor has interacted with it; until then the context stays suspended and the ring is silent
 * (the dialog still shows). Returns the function that stops it.
 */
export function startRinging(): () => void {
  let ctx: AudioContext;
  try {
    ctx = new AudioContext();
  } catch {
    return () => undefined; // no Web Audio (or it refused): the dialog rings silently
  }
  const tone = (at: number, frequency: number) => {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.2, at + 0.03);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.35);
    osc.connect(gain).connect(ctx.destination);
    osc.start(at);
    osc.stop(at + 0.4);
  };
  const ring = () => {
    if (ctx.state !== 'running') return;
    tone(ctx.currentTime, 440);
    tone(ctx.currentTime + 0.45, 480);
  };
  ctx.resume().then(ring, () => undefined);
  const timer = setInterval(ring, 3000);
  return () => {
    clearInterval(timer);
    ctx.close().catch(() => undefined);
  };
}
