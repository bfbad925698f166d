import { useLayoutEffect, useReducer, useRef } from 'preact/hooks';
import type { Equality, ReadableStore } from '@quickchat/sdk';

/**
 * Reads `select(state)` from a store and re-renders when it changes (by `isEqual`). `deps` lists
 * whatever the selector closes over (e.g. a conversation id), so the subscription follows it.
 */
export function useStore<S, T>(store: ReadableStore<S>, select: (state: S) => T, deps: readonly unknown[] = [], isEqual?: Equality<T>): T {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const value = select(store.getState());
  const rendered = useRef(value);
  rendered.current = value;
  // A layout effect: its cleanup runs during unmount itself (passive cleanups wait for a paint).
  useLayoutEffect(() => {
    const stop = store.subscribe(select, () => rerender(0), isEqual);
    // A change between render and subscribe would otherwise be missed.
    if (!(isEqual ?? Object.is)(select(store.getState()), rendered.current)) rerender(0);
    return stop;
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the selector is keyed by deps
  }, [store, ...deps]);
  return value;
}
