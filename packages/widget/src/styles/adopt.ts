/**
 * Puts the stylesheet inside the shadow root: a constructable stylesheet where supported
 * (nothing for CSP to check), else a `<style>` element carrying the page's CSP nonce.
 */
export function adoptStyles(root: ShadowRoot, css: string, nonce?: string): void {
  if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = [sheet];
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
