/** The stylesheets already in each shadow root, by their text. */
const adopted = new WeakMap<ShadowRoot, Set<string>>();

/**
 * Adds `css` to the shadow root beside the stylesheets it has, once per root: a constructable
 * stylesheet where supported (nothing for CSP to check), else a `<style>` element carrying the
 * page's CSP nonce. The entry's stylesheet goes in this way at mount, and each lazy part's when it
 * first shows.
 */
export function adoptStyles(root: ShadowRoot, css: string, nonce?: string): void {
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
