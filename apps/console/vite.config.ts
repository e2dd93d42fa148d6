import { defineConfig } from 'vite';

// The console is served by the api under /console (apps/api/src/console): every asset path starts
// there. No inline scripts or styles, so the api's Content-Security-Policy can forbid them.
export default defineConfig({
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  resolve: {
    alias: { react: 'preact/compat', 'react-dom': 'preact/compat' },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    target: 'es2022',
    sourcemap: true,
  },
});
