import { defineConfig } from 'vite';

const api = process.env['VITE_API_PROXY'] ?? 'http://127.0.0.1:3000';

/**
 * The web client, built into web/dist and served by the NestJS app at /. `vite` (dev server)
 * proxies the API and socket.io to a running app.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022' },
  server: {
    proxy: Object.fromEntries(
      ['/auth', '/webrtc', '/directory', '/audit', '/socket.io'].map((prefix) => [
        prefix,
        { target: api, ws: prefix === '/socket.io' },
      ]),
    ),
  },
});
