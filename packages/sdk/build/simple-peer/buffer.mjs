// Stands in for the `buffer` package inside the bundled simple-peer (see plugin.mjs), which uses
// only `Buffer.from(arrayBuffer)` for binary data-channel messages: they arrive as `Uint8Array`.
export const Buffer = { from: (data) => new Uint8Array(data) };
