/**
 * The attachments' stylesheet (previews, file cards, the lightbox, the upload tray), added to the
 * shadow root by `useSheet` when one of them first shows. Colours are the theme's `--qc-*`
 * tokens, so light and dark (and host overrides) follow; the lightbox is dark in both.
 */
export const ATTACH_CSS = `
.qc-atts{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:4px;max-width:100%}
.qc-own .qc-atts{align-items:flex-end}
.qc-atts>li{max-width:100%;min-width:0}
.qc-att-img{position:relative;display:block;max-width:100%;padding:0;border:0;border-radius:8px;overflow:hidden;background:var(--qc-surface);box-shadow:inset 0 0 0 1px var(--qc-border)}
.qc-att-img img{position:absolute;inset:0;display:block;width:100%;height:100%;object-fit:cover}
.qc-att-fail{display:flex;flex-direction:column;align-items:center;justify-content:center;gap:4px;padding:8px;color:var(--qc-muted);font-size:.8em;text-align:center;overflow-wrap:anywhere}
.qc-att-fail p{margin:0}
.qc-att-file{display:flex;align-items:center;gap:8px;width:260px;max-width:100%;padding:8px 10px;border:1px solid var(--qc-border);border-radius:8px;background:var(--qc-bg);color:var(--qc-text)}
.qc-att-file>svg{flex:none;color:var(--qc-muted)}
.qc-att-meta{flex:1;min-width:0;display:flex;flex-direction:column}
.qc-att-size{font-size:.8em;color:var(--qc-muted)}
.qc-att-meta .qc-link{align-self:flex-start;padding:0;font-size:.8em}
.qc-fname{display:flex;min-width:0;max-width:100%;white-space:nowrap}
.qc-fname>span:first-child{overflow:hidden;text-overflow:ellipsis;min-width:2ch}
.qc-fname>span+span{flex:none}
.qc-lightbox{position:fixed;inset:0;z-index:2147483002;display:flex;flex-direction:column;align-items:center;justify-content:center;gap:8px;padding:48px 16px 16px;background:rgba(0,0,0,.88);color:#fff}
.qc-lightbox img{display:block;max-width:100%;max-height:calc(100% - 40px);object-fit:contain}
.qc-lightbox .qc-icon{position:absolute;top:8px;inset-inline-end:8px;color:#fff;font-size:1.4em}
.qc-lightbox .qc-icon:hover{background:rgba(255,255,255,.2)}
.qc-lightbox .qc-fname{max-width:90%}
.qc-lightbox .qc-link{color:#fff}
.qc-tray{list-style:none;margin:0;padding:4px 12px 0;display:flex;flex-direction:column;gap:4px;border-top:1px solid var(--qc-border)}
.qc-tray-row{display:flex;align-items:center;gap:8px;padding:4px 8px;border-radius:8px;background:var(--qc-surface);font-size:.9em}
.qc-tray-row>div{flex:1;min-width:0;display:flex;flex-direction:column;gap:2px}
.qc-tray-row .qc-error,.qc-tray-note{font-size:.85em}
.qc-tray-note{color:var(--qc-muted)}
.qc-bar{height:4px;border-radius:2px;background:var(--qc-border);overflow:hidden}
.qc-bar>span{display:block;height:100%;background:var(--qc-accent)}
.qc-tray-row .qc-icon{flex:none}
`;
