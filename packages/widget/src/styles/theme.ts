import type { ThemeName, ThemeTokens } from '../options.js';

/** `accentText` → `--qc-accent-text`. */
export function tokenProperty(token: string): string {
  return `--qc-${token.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * Styles the host element through the CSSOM (never a `style` attribute, which a strict CSP
 * blocks): resets everything the page could inherit or set on it, picks the theme, and applies
 * token overrides as custom properties.
 */
export function styleHost(host: HTMLElement, layout: 'launcher' | 'inline', theme: ThemeName, tokens: ThemeTokens = {}): void {
  const s = host.style;
  // Page rules can target the host element itself; inline !important beats them.
  s.setProperty('all', 'initial', 'important');
  s.setProperty('display', 'block', 'important');
  if (layout === 'inline') {
    s.setProperty('width', '100%', 'important');
    s.setProperty('height', '100%', 'important');
  }
  host.setAttribute('data-theme', theme);
  for (const [token, value] of Object.entries(tokens)) {
    if (typeof value === 'string') s.setProperty(tokenProperty(token), value);
  }
}
