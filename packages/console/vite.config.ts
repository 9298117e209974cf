// Builds the console into dist/ for the inference service to serve at `/`. No @preact/preset-vite:
// Vite's own transform handles Preact's JSX (automatic runtime), which keeps Babel out of the
// build; hot reload of components is the only thing given up. Every text asset also gets a .gz
// beside it, which the service sends as is (precompressed), so nothing is compressed per request.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

function gzipAssets(): Plugin {
  return {
    name: 'chipq-gzip-assets',
    apply: 'build',
    // After writing, so index.html (emitted last by Vite) is included.
    writeBundle(options, bundle) {
      for (const [fileName, item] of Object.entries(bundle)) {
        if (!/\.(?:js|css|html|svg|json)$/.test(fileName)) continue;
        const source = item.type === 'chunk' ? item.code : item.source;
        const target = path.join(options.dir ?? 'dist', `${fileName}.gz`);
        writeFileSync(target, gzipSync(source, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { target: 'es2022', sourcemap: true, assetsInlineLimit: 0 },
  plugins: [gzipAssets()],
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
