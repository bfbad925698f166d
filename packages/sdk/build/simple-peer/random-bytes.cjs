// Stands in for `randombytes` inside the bundled simple-peer (see plugin.mjs), which uses it for
// ids: `randombytes(n).toString('hex')`. Web Crypto is in every browser and in Node 20.
module.exports = function randomBytes(size) {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(size));
  return { toString: () => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('') };
};
