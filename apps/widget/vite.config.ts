import { defineConfig } from 'vite';

// One self-contained IIFE (dist/embed.js) that landing pages load with a single <script> tag:
// no chunks, no CSS files, no module loader. Targets browsers from ~2020 to keep the output small.
export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    minify: true,
    sourcemap: false,
    lib: {
      entry: 'src/embed.ts',
      name: 'KindlingForms',
      formats: ['iife'],
      fileName: () => 'embed.js',
    },
  },
});
