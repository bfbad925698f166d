import { adoptStyles } from '../../styles/adopt.js';

/**
 * The call screens' stylesheet: added to the widget's shadow root when the calls chunk first
 * shows something (so the entry's stylesheet does not carry it), through the same CSP-safe path
 * as the entry's (a constructable stylesheet, else a `<style>` element with the nonce).
 */
export const CALL_CSS = `
.qc-root{position:relative}
.qc-call{position:absolute;inset:0;z-index:3;display:flex;flex-direction:column;background:var(--qc-bg);color:var(--qc-text);border:1px solid var(--qc-border);border-radius:var(--qc-radius);overflow:hidden}
.qc-call-float{position:fixed;inset:auto 20px 88px auto;width:min(380px,calc(100vw - 24px));height:min(600px,calc(100vh - 120px));z-index:2147483001;box-shadow:0 12px 32px rgba(0,0,0,.3)}
.qc-call-card{position:absolute;inset:12px 12px auto;z-index:3;display:flex;flex-direction:column;gap:12px;padding:16px;background:var(--qc-bg);color:var(--qc-text);border:1px solid var(--qc-border);border-radius:var(--qc-radius);box-shadow:0 12px 32px rgba(0,0,0,.3);overflow-wrap:anywhere}
.qc-call-card.qc-call-float{position:fixed;inset:auto 20px 88px auto;width:min(360px,calc(100vw - 24px));height:auto;z-index:2147483001}
.qc-call-card h2,.qc-call h2{margin:0;font-size:1.05em}
.qc-call h2:focus,.qc-call-card h2:focus{outline:none}
.qc-call-who{display:flex;gap:12px;align-items:center}
.qc-call-who p{margin:2px 0 0;color:var(--qc-muted);font-size:.9em}
.qc-call-head{display:flex;gap:10px;align-items:center;padding:10px 12px;border-bottom:1px solid var(--qc-border);background:var(--qc-surface)}
.qc-call-head>div{flex:1;min-width:0}
.qc-call-head h2{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.qc-call-status{margin:0;font-size:.85em;color:var(--qc-muted)}
.qc-call-time{font-variant-numeric:tabular-nums;font-weight:600}
.qc-call-hint{margin:0;padding:6px 12px;font-size:.85em;background:var(--qc-surface);border-bottom:1px solid var(--qc-border)}
.qc-call-stage{position:relative;flex:1;min-height:0;background:#000;color:#fff;display:flex;align-items:center;justify-content:center}
.qc-call-stage video{display:block}
.qc-call-remote{width:100%;height:100%;object-fit:contain}
.qc-call-self{position:absolute;inset:auto 8px 8px auto;width:30%;max-width:128px;border-radius:8px;border:2px solid rgba(255,255,255,.7);background:#222;transform:scaleX(-1)}
.qc-call-self.qc-call-screen{transform:none}
.qc-call-peer{display:flex;flex-direction:column;align-items:center;gap:12px;padding:16px;text-align:center}
.qc-call-peer .qc-avatar{width:96px;height:96px;font-size:40px}
.qc-call-stage .qc-call-peer p{margin:0;font-size:1.1em;font-weight:600}
.qc-call-controls{display:flex;gap:10px;justify-content:center;flex-wrap:wrap;padding:12px;border-top:1px solid var(--qc-border)}
.qc-call-btn{width:48px;height:48px;border-radius:50%;border:1px solid var(--qc-border);background:var(--qc-surface);color:var(--qc-text);display:inline-flex;align-items:center;justify-content:center;padding:0}
.qc-call-btn[aria-pressed=true],.qc-call-btn[aria-expanded=true]{background:var(--qc-text);color:var(--qc-bg)}
.qc-call-btn[aria-disabled=true]{opacity:.5;cursor:not-allowed}
.qc-call-btn.qc-call-end{background:var(--qc-danger);color:var(--qc-bg);border-color:transparent}
.qc-call-devices{display:flex;flex-direction:column;gap:8px;padding:0 12px 12px}
.qc-call-devices label{display:flex;flex-direction:column;gap:4px;font-size:.85em;color:var(--qc-muted)}
.qc-call-card .qc-actions{justify-content:flex-start}
@media (max-width:480px){.qc-call-float{inset:0;width:100vw;height:100vh;height:100dvh;border:0;border-radius:0}.qc-call-card.qc-call-float{inset:auto 8px 8px;width:auto}}
`;

/** Adds `css` to `root` beside the stylesheets it has (the entry's), once; nothing outside a shadow root (component tests). */
export function addStyles(root: ShadowRoot | Document, css: string, nonce?: string): void {
  if (root instanceof ShadowRoot) adoptStyles(root, css, nonce);
}
