import { defineConfig } from 'tsup';

// Two entries: the main one runs wherever fetch exists; `./node` adds file-path helpers.
// openapi-fetch stays external (a dependency), so users dedupe it with their own copy.
export default defineConfig({
  entry: { index: 'src/index.ts', node: 'src/node.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  external: ['openapi-fetch', /^node:/],
});
