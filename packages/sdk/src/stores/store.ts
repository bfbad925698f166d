/** Compares a selected value with the previous one; `Object.is` by default. */
export type Equality<T> = (a: T, b: T) => boolean;

/**
 * A small observable store. The UI (and any framework binding) reads state through
 * `getState()` and `subscribe(selector, listener)`, which fires only when the selected
 * value changes.
 */
export interface ReadableStore<S> {
  /** The current state. Treat it as immutable. */
  getState(): S;
  /**
   * Calls `listener(selected, previous)` whenever `selector(state)` changes (by `isEqual`,
   * default `Object.is`). Returns the function that unsubscribes.
   */
  subscribe<T>(selector: (state: S) => T, listener: (selected: T, previous: T) => void, isEqual?: Equality<T>): () => void;
}

/** A store the SDK can write to. */
export interface WritableStore<S> extends ReadableStore<S> {
  /** Replaces the state with `next(state)` and notifies subscribers whose selection changed. */
  update(next: (state: S) => S): void;
}

interface Subscription<S> {
  select: (state: S) => unknown;
  listener: (selected: unknown, previous: unknown) => void;
  isEqual: Equality<unknown>;
  last: unknown;
}

/** Creates a {@link WritableStore} with an initial state. */
export function createStore<S>(initial: S): WritableStore<S> {
  let state = initial;
  const subscriptions = new Set<Subscription<S>>();
  return {
    getState: () => state,
    update(next) {
      const previous = state;
      state = next(state);
      if (state === previous) return;
      for (const sub of [...subscriptions]) {
        if (!subscriptions.has(sub)) continue;
        const selected = sub.select(state);
        if (sub.isEqual(selected, sub.last)) continue;
        const before = sub.last;
        sub.last = selected;
        sub.listener(selected, before);
      }
    },
    subscribe(select, listener, isEqual = Object.is) {
      const sub: Subscription<S> = {
        select,
        listener: listener as Subscription<S>['listener'],
        isEqual: isEqual as Equality<unknown>,
        last: select(state),
      };
      subscriptions.add(sub);
      return () => void subscriptions.delete(sub);
    },
  };
}

/** Shallow equality for arrays and plain objects: handy for selectors that build new arrays. */
export function shallowEqual<T>(a: T, b: T): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.is((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
