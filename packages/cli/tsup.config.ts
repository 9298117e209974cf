import { defineConfig } from 'tsup';

// One executable ESM file; dependencies (core, the SDK, sharp) stay external and are installed with the CLI.
export default defineConfig({
  entry: ['src/cli.ts'],
  format: ['esm'],
  target: 'node20',
  sourcemap: true,
  clean: true,
  banner: { js: '#!/usr/bin/env node' },
});
