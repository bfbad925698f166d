// Stands in for `queue-microtask` inside the bundled simple-peer (see plugin.mjs), which reaches
// for Node's `global` when there is no `window` (in a web worker, say): the built-in is enough.
module.exports = (callback) => queueMicrotask(callback);
