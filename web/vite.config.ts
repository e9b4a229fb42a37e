// The console's build: `npm run build:web` writes web/dist, which the platform serves at `/`.
// `npm run dev:web` serves it with hot reload, the API proxied to a running platform.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Features load lazily; the report of chunk sizes is read by the closing note, not enforced here.
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: { '/api': process.env.GONGXIANG_API ?? 'http://127.0.0.1:3000' },
  },
});
