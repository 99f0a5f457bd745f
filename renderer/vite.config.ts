import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The renderer is plain static files served by `locker serve` or loaded by Electron from disk:
// relative asset paths, no inline scripts or styles (the CSP forbids them).
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
  },
});
