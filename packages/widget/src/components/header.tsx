import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { useEnv } from '../state/context.js';

/**
 * A screen's title bar: optional back button, the title (an `h2` that receives focus after
 * navigation), extra actions, and in the launcher layout the close button.
 */
export function Header({ title, back, focus, children }: { title: string; back?: () => void; focus?: boolean; children?: ComponentChildren }) {
  const { t, layout, open } = useEnv();
  const heading = useRef<HTMLHeadingElement>(null);
  useLayoutEffect(() => {
    if (focus) heading.current?.focus();
  }, []);
  return (
    <div class="qc-head">
      {back && (
        <button type="button" class="qc-icon" aria-label={t('nav.back')} onClick={back}>
          <span aria-hidden="true">←</span>
        </button>
      )}
      {/* Titles are often a person's name: their own text decides its direction. */}
      <h2 ref={heading} tabIndex={-1} dir="auto">
        {title}
      </h2>
      {children}
      {layout === 'launcher' && (
        <button type="button" class="qc-icon" aria-label={t('launcher.close')} onClick={() => open.update(() => false)}>
          <span aria-hidden="true">✕</span>
        </button>
      )}
    </div>
  );
}
