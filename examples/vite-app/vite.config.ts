import { defineConfig } from 'vite';

// Plain Vite: `@quickchat/widget` comes from node_modules like any other package.
export default defineConfig({
  // One fixed origin, http://localhost:5173, for both `dev` and `preview`: it is the origin the
  // quickchat server must allow (`--allowed-origins`), so don't let Vite move to another port.
  server: { port: 5173, strictPort: true },
  preview: { port: 5173, strictPort: true },
});
