/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The quickchat server's base URL; default `http://localhost:8787` (`npm start` in the repo). */
  readonly VITE_QUICKCHAT_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
