import type { DeliveryState } from '@quickchat/sdk';
import { useEnv } from '../state/context.js';

const GLYPHS: Record<DeliveryState, string> = { pending: '○', sent: '✓', delivered: '✓✓', read: '✓✓', failed: '!' };

/** Delivery state of an own message: a glyph for the eye, words for screen readers. */
export function Ticks({ state }: { state: DeliveryState }) {
  const { t } = useEnv();
  const label = t(`tick.${state}`);
  return (
    <span role="img" aria-label={label} title={label} class={`qc-tick qc-tick-${state}`} data-state={state}>
      {GLYPHS[state]}
    </span>
  );
}
