// The console's build: `npm run build:web` writes web/dist, which the platform serves at `/`.
// `npm run dev:web` serves it with hot reload, the API proxied to a running platform.
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { contractLimitsOf } from './build/contract-limits.ts';

const SPEC = new URL('../openapi/openapi.yaml', import.meta.url).pathname;

/** `virtual:contract-limits`: the contract's body limits, for the forms (build/contract-limits.ts). */
function contractLimitsModule(): Plugin {
  const id = 'virtual:contract-limits';
  return {
    name: 'contract-limits',
    resolveId: (source) => (source === id ? `\0${id}` : null),
    load(source) {
      if (source !== `\0${id}`) return null;
      this.addWatchFile(SPEC);
      return `export default ${JSON.stringify(contractLimitsOf(SPEC))};`;
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), contractLimitsModule()],
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
