import { useContext, useLayoutEffect } from 'preact/hooks';
import { EnvContext } from '../../state/context.js';
import { adoptStyles } from '../../styles/adopt.js';

/**
 * Adds `css` to the shadow root `node` is in, once per root, beside the sheets it has (see
 * styles/adopt.ts, the entry's path too). Outside a shadow root (component tests) it does nothing.
 */
export function addSheet(node: Node, css: string, nonce?: string): void {
  const root = node.getRootNode();
  if (root instanceof ShadowRoot) adoptStyles(root, css, nonce);
}

/** Adds a feature's stylesheet (`css`) to the shadow root of the element `ref` holds, when it mounts (with the widget's CSP nonce). */
export function useSheet(ref: { readonly current: Element | null }, css: string): void {
  const nonce = useContext(EnvContext)?.options.nonce;
  // Every render (a lookup once added): the element may show only later.
  useLayoutEffect(() => {
    if (ref.current) addSheet(ref.current, css, nonce);
  });
}
