import type { DeliveryState } from '@quickchat/sdk';
import { useEnv } from '../state/context.js';

/**
 * One shape per state, so the states differ without colour: a circle (sending), one check
 * (sent), two checks (delivered), two checks cut out of a filled pill (read), an exclamation
 * mark (not sent).
 */
const GLYPHS: Record<DeliveryState, string> = { pending: '○', sent: '✓', delivered: '✓✓', read: '✓✓', failed: '!' };

/** Delivery state of an own message: a shape for the eye, words for screen readers and on hover. */
export function Ticks({ state }: { state: DeliveryState }) {
  const { t } = useEnv();
  const label = t(`tick.${state}`);
  return (
    <span role="img" aria-label={label} title={label} class={`qc-tick qc-tick-${state}`} data-state={state}>
      {state === 'read' ? <span class="qc-tick-fill">{GLYPHS[state]}</span> : GLYPHS[state]}
    </span>
  );
}
