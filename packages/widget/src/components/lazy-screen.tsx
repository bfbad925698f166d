import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useEnv } from '../state/context.js';
import { lazyChunk } from '../util/lazy.js';
import { LoadFailed } from './load-failed.js';

/**
 * A component whose code is a lazily loaded chunk (see {@link lazyChunk}): the first render
 * fetches it and says "Loading…"; if the fetch fails it says so in words and offers to try
 * again. Screens used by few visitors (and later groups and calls) go in the shell's screen
 * table this way, so the entry stays small.
 */
export function lazyScreen<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  const get = lazyChunk(load);
  return function LazyScreen(props: P) {
    const { t } = useEnv();
    const [loaded, setLoaded] = useState<{ Screen: ComponentType<P> } | null>(null);
    const [failed, setFailed] = useState(false);
    const [attempt, setAttempt] = useState(0);
    useEffect(() => {
      let live = true;
      get().then(
        (Screen) => live && setLoaded({ Screen }),
        () => live && setFailed(true),
      );
      return () => void (live = false);
    }, [attempt]);
    if (loaded) return <loaded.Screen {...props} />;
    if (!failed) return <p class="qc-note" role="status">{t('state.loading')}</p>;
    return (
      <LoadFailed
        onRetry={() => {
          setFailed(false);
          setAttempt(attempt + 1);
        }}
      />
    );
  };
}
