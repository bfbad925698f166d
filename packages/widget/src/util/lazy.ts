/**
 * A chunk loaded on first use. In the npm (ESM) build each `import()` stays a separate module
 * that the app's bundler splits off; the script-tag build makes it a file of its own next to
 * `quickchat-widget.js`, loaded with a `<script>` element (script-tag/loader.ts). A failed load
 * (offline, a missing file, a CSP refusal) is forgotten, so the next use tries again.
 */
export function lazyChunk<M>(load: () => Promise<M>): () => Promise<M> {
  let loading: Promise<M> | null = null;
  return () =>
    (loading ??= load().catch((err: unknown) => {
      loading = null;
      throw err;
    }));
}
