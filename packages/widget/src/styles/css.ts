/** Light tokens (the default). */
const LIGHT =
  '--qc-bg:#fff;--qc-surface:#f3f4f6;--qc-text:#111827;--qc-muted:#4b5563;--qc-border:#d1d5db;--qc-accent:#2563eb;--qc-accent-text:#fff;--qc-danger:#b91c1c;--qc-badge:#c2410c;--qc-badge-text:#fff;--qc-focus:#1d4ed8;--qc-online:#15803d;';
/** Dark tokens. */
const DARK =
  '--qc-bg:#111827;--qc-surface:#1f2937;--qc-text:#f9fafb;--qc-muted:#cbd5e1;--qc-border:#374151;--qc-accent:#60a5fa;--qc-accent-text:#0b1120;--qc-danger:#fca5a5;--qc-badge:#fb923c;--qc-badge-text:#111827;--qc-focus:#93c5fd;--qc-online:#4ade80;';

/**
 * The widget's whole stylesheet, scoped by its shadow root. Colours and sizes come from `--qc-*`
 * custom properties, so hosts theme the widget without touching its internals.
 */
export const CSS = `
:host{${LIGHT}--qc-radius:12px;--qc-font:system-ui,-apple-system,"Segoe UI",Roboto,"PingFang SC","Microsoft YaHei","Apple Color Emoji","Segoe UI Emoji","Segoe UI Symbol","Noto Color Emoji",sans-serif;--qc-emoji-font:"Apple Color Emoji","Segoe UI Emoji","Noto Color Emoji","Segoe UI Symbol";--qc-font-size:15px}
:host([data-theme=dark]){${DARK}}
@media (prefers-color-scheme:dark){:host([data-theme=auto]){${DARK}}}
*,*::before,*::after{box-sizing:border-box}
[hidden]{display:none!important}
.qc-mount{height:100%}
.qc-root{height:100%;font-family:var(--qc-font);font-size:var(--qc-font-size);line-height:1.4;color:var(--qc-text);text-align:start}
.qc-panel{display:flex;flex-direction:column;background:var(--qc-bg);color:var(--qc-text);border:1px solid var(--qc-border);border-radius:var(--qc-radius);overflow:hidden;height:100%;min-height:320px}
.qc-inline{height:100%}
.qc-panel{position:relative}
.qc-shell{flex:1;min-height:0;display:flex;flex-direction:column}
.qc-backdrop{position:absolute;inset:0;z-index:1;display:flex;align-items:center;justify-content:center;padding:16px;background:rgba(0,0,0,.45)}
.qc-dialog{width:320px;max-width:100%;padding:16px;border-radius:var(--qc-radius);background:var(--qc-bg);color:var(--qc-text);box-shadow:0 8px 24px rgba(0,0,0,.3)}
.qc-dialog h2{margin:0 0 8px;font-size:1.05em}
.qc-dialog-wide{width:360px}
.qc-emoji-tabs{display:flex;flex-wrap:wrap;gap:2px;margin-bottom:8px;border-bottom:1px solid var(--qc-border)}
.qc-emoji-tabs button,.qc-emoji-grid button{border:0;background:transparent;border-radius:8px;min-width:36px;min-height:36px;font-size:1.25em;line-height:1;color:var(--qc-text)}
.qc-emoji-tabs [aria-selected=true]{background:var(--qc-surface);box-shadow:inset 0 -2px 0 var(--qc-accent)}
.qc-emoji-grid{display:grid;grid-template-columns:repeat(8,1fr);gap:2px;max-height:220px;overflow-y:auto}
.qc-emoji-grid button:hover,.qc-emoji-tabs button:hover{background:var(--qc-border)}
.qc-actions{display:flex;gap:8px;justify-content:flex-end;flex-wrap:wrap}
/* Compound selectors: these variants must beat .qc-btn, which comes later in the sheet. */
.qc-btn.qc-secondary{background:var(--qc-surface);color:var(--qc-text);border:1px solid var(--qc-border);font-weight:500}
.qc-btn.qc-danger{background:var(--qc-danger);color:var(--qc-bg)}
.qc-btn.qc-secondary.qc-danger-text,.qc-menu .qc-danger-text{color:var(--qc-danger)}
.qc-menu-wrap{position:relative;display:inline-flex}
.qc-menu{position:absolute;inset-inline-end:0;top:calc(100% + 4px);z-index:1;min-width:10em;padding:4px;display:flex;flex-direction:column;background:var(--qc-bg);border:1px solid var(--qc-border);border-radius:8px;box-shadow:0 6px 16px rgba(0,0,0,.2)}
.qc-menu button{border:0;border-radius:6px;padding:8px 10px;background:transparent;color:var(--qc-text);text-align:start;white-space:nowrap}
.qc-menu button:hover{background:var(--qc-surface)}
.qc-menu button:focus-visible{outline-offset:-3px}
.qc-account{margin:0 16px;padding:4px 0 20px;border-top:1px solid var(--qc-border);display:flex;flex-direction:column;align-items:flex-start;gap:8px}
.qc-account .qc-section{padding:12px 0 0}
.qc-emoji-search{width:100%;margin-bottom:8px}
.qc-emoji-status{margin:0;text-align:center;color:var(--qc-muted)}
.qc-emoji-status:not(:empty){padding:16px 0}
.qc-section{margin:0;padding:12px 12px 4px;font-size:.8em;font-weight:600;text-transform:uppercase;letter-spacing:.04em;color:var(--qc-muted)}
.qc-person{display:flex;flex-wrap:wrap;gap:10px;align-items:center;padding:8px 12px;border-bottom:1px solid var(--qc-border)}
.qc-person .qc-row-main{min-width:8em}
.qc-person .qc-actions{flex:none;margin-inline-start:auto}
.qc-btn.qc-small{padding:6px 10px;font-size:.85em}
.qc-status{margin:0;padding:0 16px;min-height:1.4em;font-size:.9em}
.qc-float{position:fixed;right:20px;bottom:88px;width:min(380px,calc(100vw - 24px));height:min(600px,calc(100vh - 120px));z-index:2147483000;box-shadow:0 12px 32px rgba(0,0,0,.25)}
.qc-launch{position:fixed;right:20px;bottom:20px;z-index:2147483000;width:56px;height:56px;border-radius:50%;border:0;background:var(--qc-accent);color:var(--qc-accent-text);font:inherit;font-size:24px;cursor:pointer;box-shadow:0 4px 16px rgba(0,0,0,.25)}
.qc-launch .qc-badge{position:absolute;top:-2px;right:-2px}
@media (max-width:480px){.qc-float{right:0;bottom:0;width:100vw;height:100vh;height:100dvh;border:0;border-radius:0}.qc-launch[aria-expanded=true]{display:none}}
button,input,textarea{font:inherit;color:inherit}
@media (max-width:480px),(pointer:coarse){input,textarea,select{font-size:max(16px,1em)}}
a{color:var(--qc-accent)}
button{cursor:pointer}
:focus-visible{outline:3px solid var(--qc-focus);outline-offset:2px}
.qc-row:focus-visible,.qc-nav button:focus-visible,.qc-log:focus-visible{outline-offset:-3px}
.qc-scroll,.qc-log,.qc-emoji-grid{scroll-padding:8px}
.qc-sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.qc-head{display:flex;align-items:center;gap:8px;padding:10px 12px;border-bottom:1px solid var(--qc-border);background:var(--qc-surface);min-height:52px}
.qc-head h2{flex:1;margin:0;font-size:1.05em;font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.qc-head h2:focus{outline:none}
.qc-icon{border:0;background:transparent;border-radius:8px;min-width:36px;min-height:36px;font-size:1.1em;color:var(--qc-text)}
.qc-icon:hover{background:var(--qc-border)}
.qc-nav{display:flex;border-top:1px solid var(--qc-border);background:var(--qc-surface)}
.qc-nav button{flex:1;border:0;background:transparent;padding:10px 4px;color:var(--qc-muted)}
.qc-nav button[aria-current=page]{color:var(--qc-accent);font-weight:600;box-shadow:inset 0 3px 0 var(--qc-accent)}
.qc-body{flex:1;min-height:0;display:flex;flex-direction:column;overflow:hidden}
.qc-scroll{flex:1;min-height:0;overflow-y:auto}
.qc-note{padding:24px 16px;text-align:center;color:var(--qc-muted)}
.qc-note,.qc-dialog,.qc-form p,.qc-status,.qc-error{overflow-wrap:anywhere}
.qc-banner{padding:8px 12px;font-size:.9em;background:var(--qc-surface);border-bottom:1px solid var(--qc-border);display:flex;gap:8px;align-items:center;justify-content:space-between}
.qc-error{color:var(--qc-danger)}
.qc-btn{border:0;border-radius:8px;padding:9px 14px;background:var(--qc-accent);color:var(--qc-accent-text);font-weight:600}
.qc-btn[disabled]{opacity:.6;cursor:default}
.qc-link{border:0;background:transparent;color:var(--qc-accent);text-decoration:underline;padding:4px}
.qc-form{display:flex;flex-direction:column;gap:12px;padding:20px 16px}
.qc-form>p{margin:0}
.qc-form label{display:flex;flex-direction:column;gap:4px;font-size:.9em;color:var(--qc-muted)}
.qc-field{border:1px solid var(--qc-border);border-radius:8px;padding:9px 10px;background:var(--qc-bg);color:var(--qc-text)}
.qc-field[aria-invalid=true]{border-color:var(--qc-danger)}
.qc-filter{margin:8px 12px;width:calc(100% - 24px)}
.qc-list{list-style:none;margin:0;padding:0}
.qc-row{display:flex;gap:10px;align-items:center;width:100%;padding:10px 12px;border:0;border-bottom:1px solid var(--qc-border);background:transparent;text-align:start}
.qc-row:hover{background:var(--qc-surface)}
.qc-avatar{flex:none;width:40px;height:40px;border-radius:50%;background:var(--qc-accent);color:var(--qc-accent-text);display:flex;align-items:center;justify-content:center;font-weight:600;overflow:hidden}
.qc-avatar img{width:100%;height:100%;object-fit:cover}
.qc-row-main{flex:1;min-width:0;display:flex;flex-direction:column}
.qc-row-top{display:flex;justify-content:space-between;gap:8px}
.qc-name{font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.qc-preview,.qc-stamp{color:var(--qc-muted);font-size:.88em;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.qc-row .qc-preview{display:flex}
.qc-row-top .qc-stamp{flex:none}
.qc-by{flex:none;white-space:pre}
.qc-said{min-width:0;overflow:hidden;text-overflow:ellipsis}
.qc-person .qc-name,.qc-person .qc-preview{unicode-bidi:plaintext;align-self:flex-start;max-width:100%}
.qc-badge{min-width:20px;height:20px;padding:0 6px;border-radius:10px;background:var(--qc-badge);color:var(--qc-badge-text);font-size:.75em;font-weight:700;display:inline-flex;align-items:center;justify-content:center}
.qc-log{flex:1;min-height:0;overflow-y:auto;padding:8px 12px;display:flex;flex-direction:column;gap:4px}
.qc-day{align-self:center;margin:10px 0 4px;font-size:.8em;font-weight:600;color:var(--qc-muted)}
.qc-system{align-self:center;max-width:90%;margin:4px 0;font-size:.85em;text-align:center;color:var(--qc-muted);overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.qc-msg{max-width:80%;display:flex;flex-direction:column;align-self:flex-start}
.qc-msg.qc-own{align-self:flex-end;align-items:flex-end}
.qc-bubble{padding:7px 11px;border-radius:var(--qc-radius);background:var(--qc-surface);white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word}
.qc-own .qc-bubble{background:var(--qc-accent);color:var(--qc-accent-text)}
.qc-own .qc-bubble a{color:inherit}
.qc-failed .qc-bubble{opacity:.75}
.qc-jumbo{font-size:2.2em;line-height:1.2;background:transparent!important;padding:0;font-family:var(--qc-emoji-font),var(--qc-font)}
.qc-own .qc-jumbo{color:var(--qc-text)}
.qc-meta{display:flex;gap:6px;align-items:center;font-size:.75em;color:var(--qc-muted);padding:2px 4px}
.qc-tick{font-size:1.2em;line-height:1;letter-spacing:-.3em;padding-inline-end:.3em}
.qc-tick-fill{display:inline-block;padding:0 .5em 0 .3em;border-radius:1em;background:var(--qc-accent);color:var(--qc-bg);font-weight:700}
.qc-line{display:flex;max-width:100%}
.qc-own .qc-line{flex-direction:row-reverse}
.qc-actions-btn{opacity:0}
.qc-msg:hover .qc-actions-btn,.qc-actions-btn:focus-visible,.qc-actions-btn[aria-expanded=true]{opacity:1}
@media (pointer:coarse){.qc-actions-btn{opacity:.7}}
.qc-sender{display:flex;align-items:center;gap:6px;font-size:.8em;color:var(--qc-muted)}
.qc-sender .qc-avatar{width:24px;height:24px}
.qc-head .qc-avatar{width:32px;height:32px;font-size:.9em}
.qc-quote{display:grid;justify-items:start;max-width:100%;padding:4px 8px;border:0;border-inline-start:3px solid var(--qc-accent);background:var(--qc-surface);color:var(--qc-muted);font-size:.8em;text-align:start}
.qc-quote b{color:var(--qc-text)}
.qc-quote span,.qc-banner span{max-width:100%;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.qc-reacts{display:flex;flex-wrap:wrap;gap:4px}
.qc-btn[aria-pressed=true]{border-color:var(--qc-accent);box-shadow:inset 0 0 0 1px var(--qc-accent)}
.qc-bubble mark{border-radius:4px;background:var(--qc-badge);color:var(--qc-badge-text)}
.qc-flash .qc-bubble{animation:qc-flash 2s}
@keyframes qc-flash{from{box-shadow:0 0 0 3px var(--qc-focus)}}
.qc-banner p{display:flex;flex-direction:column;min-width:0;margin:0}
.qc-list [role=option]{padding:6px 12px}
.qc-list [aria-selected=true]{background:var(--qc-surface);box-shadow:inset 3px 0 0 var(--qc-accent)}
.qc-typing{min-height:1.6em;padding:0 14px;font-size:.85em;color:var(--qc-muted);overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.qc-composer{display:flex;gap:8px;align-items:flex-end;padding:8px 12px;border-top:1px solid var(--qc-border)}
.qc-composer textarea{flex:1;resize:none;max-height:8em;min-height:40px}
.qc-count{align-self:center;font-size:.8em;color:var(--qc-muted);white-space:nowrap}
.qc-over{color:var(--qc-danger);font-weight:600}
.qc-more{align-self:center;margin:4px}
.qc-log-wrap{flex:1;min-height:0;display:flex;flex-direction:column;position:relative}
.qc-log{position:relative;overflow-anchor:none}
.qc-rows{display:flex;flex-direction:column}
.qc-item{display:flex;flex-direction:column;gap:4px;padding-bottom:4px}
.qc-new{align-self:stretch;display:flex;align-items:center;gap:8px;color:var(--qc-badge)}
.qc-new::before,.qc-new::after{content:"";flex:1;border-top:1px solid currentColor}
.qc-jump{position:absolute;z-index:1;border:1px solid var(--qc-border);border-radius:16px;padding:6px 12px;background:var(--qc-bg);color:var(--qc-text);font-size:.85em;font-weight:600;box-shadow:0 2px 8px rgba(0,0,0,.2)}
.qc-jump-newest{inset-inline-end:16px;bottom:12px}
.qc-jump-unread{top:8px;left:50%;transform:translateX(-50%)}
.qc-presence{display:inline-block;flex:none;width:12px;height:12px;border-radius:50%;border:2px solid var(--qc-bg);vertical-align:middle}
.qc-presence-online{background:var(--qc-online)}
.qc-presence-offline{background:var(--qc-bg);box-shadow:inset 0 0 0 2px var(--qc-muted)}
.qc-head h2>.qc-presence{margin-inline-start:6px}
.qc-presence-at{position:relative;display:inline-flex;flex:none;order:-1}
.qc-presence-at>.qc-presence{position:absolute;bottom:-1px;inset-inline-end:-1px}
`;
