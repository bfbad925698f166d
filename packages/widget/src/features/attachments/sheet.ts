import { useContext, useLayoutEffect } from 'preact/hooks';
import { EnvContext } from '../../state/context.js';

/** The sheets already in each shadow root, by their text. */
const adopted = new WeakMap<ShadowRoot, Set<string>>();

/**
 * Adds `css` to the shadow root `node` is in, once per root, beside the sheets it has: a
 * constructable stylesheet where supported (nothing for a CSP to check), else a `<style>` element
 * carrying `nonce`. Outside a shadow root (component tests) it does nothing. The same path as the
 * entry's stylesheet (styles/adopt.ts) and the calls chunk's (features/calls/styles.ts).
 */
export function addSheet(node: Node, css: string, nonce?: string): void {
  const root = node.getRootNode();
  if (!(root instanceof ShadowRoot)) return;
  const sheets = adopted.get(root) ?? new Set<string>();
  adopted.set(root, sheets);
  if (sheets.has(css)) return;
  sheets.add(css);
  if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
      return;
    } catch {
      // fall through to a <style> element
    }
  }
  const style = root.ownerDocument.createElement('style');
  if (nonce) style.setAttribute('nonce', nonce);
  style.textContent = css;
  root.appendChild(style);
}

/** Adds a feature's stylesheet (`css`) to the shadow root of the element `ref` holds, when it mounts (with the widget's CSP nonce). */
export function useSheet(ref: { readonly current: Element | null }, css: string): void {
  const nonce = useContext(EnvContext)?.options.nonce;
  // Every render (a lookup once added): the element may show only later.
  useLayoutEffect(() => {
    if (ref.current) addSheet(ref.current, css, nonce);
  });
}
