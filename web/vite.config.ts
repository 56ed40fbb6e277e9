/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The dev server forwards everything the C++ server owns, so `npm run dev` against a running
// `kirim serve --listen 127.0.0.1:8080` behaves like the single-binary deployment (same origin,
// so the session cookie and CSRF header work unchanged).
const kirimServer = 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    rolldownOptions: {
      output: {
        // Content hashes let the server send these with a long immutable Cache-Control.
        entryFileNames: 'assets/[name]-[hash].js',
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
        // Libraries change less often than the app; separate chunks stay cached across releases.
        codeSplitting: {
          groups: [
            {
              name: 'react',
              test: /node_modules[\\/](react|react-dom|react-router|scheduler)[\\/]/,
            },
            { name: 'mantine', test: /node_modules[\\/](@mantine|@floating-ui)[\\/]/ },
            // Charts load with the first page that draws one, not with the app.
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender)[\\/]/ },
            { name: 'vendor', test: /node_modules[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': kirimServer,
      '/healthz': kirimServer,
      '/readyz': kirimServer,
      '/metrics': kirimServer,
      '/broadcasting': kirimServer,
      // Only the Pusher-protocol socket path (/app/{key}); a bare prefix would also catch
      // unrelated paths such as /apple.
      '^/app/': { target: kirimServer, ws: true },
    },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/testing/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
    restoreMocks: true,
    unstubGlobals: true,
    // Component tests render whole pages in jsdom; on a busy two-core machine one can take a few
    // seconds, so the limit leaves room (a hang still fails).
    testTimeout: 20_000,
  },
});
