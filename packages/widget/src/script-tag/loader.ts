import type { Define, Require } from './global.js';

/** Where a file's exports come from: its `define` call, once its dependencies are loaded. */
type Exports = Record<string, unknown>;

/** What {@link createChunkLoader} returns. */
export interface ChunkLoader {
  /** Registers a file of the build; `quickchat-widget.js` and every lazy file call it as they run. */
  define: Define;
  /** The CSP nonce for the `<script>` elements that load lazy files from now on. */
  setNonce(nonce: string): void;
}

/**
 * The script-tag build's loader: the part of AMD that rollup's output uses, and nothing more.
 * Each file is registered by its URL (`document.currentScript.src` while it runs). A dependency
 * or an `import()` is resolved against the importing file's URL, so lazy files are found next to
 * `quickchat-widget.js` wherever it is hosted, and loaded with a `<script>` element carrying the
 * page's nonce (never `eval`). A file that fails to load (offline, 404, refused by the CSP) or
 * runs without registering rejects the `import()` with an error saying so, and is forgotten, so
 * the next `import()` of it tries again.
 *
 * `main` is the URL of `quickchat-widget.js` (undefined when it was not loaded by a
 * `<script src>`: the widget then works until a lazy part is needed, which fails in words).
 */
export function createChunkLoader(doc: Document | undefined, main: string | undefined, nonce: string): ChunkLoader {
  /** Files loaded or loading, by URL. */
  const files = new Map<string, Promise<Exports>>();
  /** Files whose `<script>` is loading, by URL: settled by their `define` call. */
  const awaited = new Map<string, { resolve(exports: Promise<Exports>): void }>();

  const resolve = (path: string, from: string | undefined): string => {
    if (!from) throw new Error(`quickchat: cannot find ${path}: quickchat-widget.js was not loaded by a <script src>, and its lazy files are found next to it`);
    return new URL(path, from).href;
  };

  const fetchFile = (url: string): Promise<Exports> =>
    new Promise((settle, fail) => {
      if (!doc) throw new Error(`quickchat: cannot load ${url} outside a browser page`);
      const script = doc.createElement('script');
      awaited.set(url, { resolve: settle });
      const finish = (error?: Error) => {
        script.remove();
        if (!awaited.delete(url) && !error) return;
        fail(error ?? new Error(`quickchat: ${url} loaded but did not register; is it a file of this quickchat-widget.js build?`));
      };
      script.onload = () => finish();
      script.onerror = () => finish(new Error(`quickchat: could not load ${url} (offline, missing, or refused by the page's Content-Security-Policy)`));
      if (nonce) script.nonce = nonce;
      script.src = url;
      (doc.head ?? doc.documentElement).appendChild(script);
    });

  const load = (url: string): Promise<Exports> => {
    let file = files.get(url);
    if (!file) {
      file = fetchFile(url);
      files.set(url, file);
      file.catch(() => files.delete(url));
    }
    return file;
  };

  /** Loads the file at `path` relative to the file at `from`; a path that can't be resolved rejects. */
  const loadFrom = (path: string, from: string | undefined): Promise<Exports> => {
    try {
      return load(resolve(path, from));
    } catch (error) {
      return Promise.reject(error);
    }
  };

  const requireFrom =
    (from: string | undefined): Require =>
    (paths, onLoad, onError) => {
      Promise.all(paths.map((path) => loadFrom(path, from))).then((all) => onLoad(...all), onError);
    };

  const define: Define = (deps, factory) => {
    const script = doc?.currentScript as HTMLScriptElement | null | undefined;
    const url = script?.src || main;
    const exports: Exports = {};
    const values = deps.map((dep) => (dep === 'exports' ? exports : dep === 'require' ? requireFrom(url) : loadFrom(dep, url)));
    let ready: Promise<Exports>;
    if (values.some((v) => v instanceof Promise)) {
      ready = Promise.all(values).then((all) => {
        factory(...all);
        return exports;
      });
    } else {
      // quickchat-widget.js itself: it depends on nothing, so it runs now and `QuickChat.mount` is there for the next script.
      factory(...values);
      ready = Promise.resolve(exports);
    }
    const waiting = url === undefined ? undefined : awaited.get(url);
    if (url !== undefined && waiting) {
      awaited.delete(url);
      waiting.resolve(ready);
    } else if (url !== undefined) files.set(url, ready);
  };

  return {
    define,
    setNonce: (value) => void (nonce = value),
  };
}
