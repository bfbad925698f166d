/**
 * The presence dot's stylesheet, added to the shadow root by `useSheet` when a dot first shows.
 * Online is green (a lighter green on dark themes), offline a hollow ring in the muted colour;
 * both have a ring of the background colour so they stand out over an avatar.
 */
export const PRESENCE_CSS = `
:host{--qc-online:#15803d}
:host([data-theme=dark]){--qc-online:#4ade80}
@media (prefers-color-scheme:dark){:host([data-theme=auto]){--qc-online:#4ade80}}
.qc-presence{display:inline-block;flex:none;width:12px;height:12px;border-radius:50%;border:2px solid var(--qc-bg);vertical-align:middle}
.qc-presence-online{background:var(--qc-online)}
.qc-presence-offline{background:var(--qc-bg);box-shadow:inset 0 0 0 2px var(--qc-muted)}
.qc-presence-at{position:relative;display:inline-flex;flex:none}
.qc-presence-at>.qc-presence{position:absolute;bottom:-1px;inset-inline-end:-1px}
`;
