import { useLayoutEffect } from 'preact/hooks';

/**
 * True when the visitor is in the widget, or focus is nowhere (on the page's body, e.g. the button
 * just pressed went away), so a call screen may take focus; false while they are busy on the host
 * page (a call ringing never steals focus from what they are typing there).
 */
export function focusIsOurs(el: Element): boolean {
  const root = el.getRootNode() as Document | ShadowRoot;
  const doc = el.ownerDocument;
  const active = doc.activeElement;
  if (!active || active === doc.body) return true;
  if (root instanceof ShadowRoot) return active === root.host;
  return !!el.closest('.qc-root')?.contains(active);
}

/** On mount, focuses the element `ref` points at (a screen's heading or first action) when {@link focusIsOurs}. */
export function useTakeFocus(ref: { readonly current: HTMLElement | null }): void {
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && focusIsOurs(el)) el.focus();
  }, []);
}
