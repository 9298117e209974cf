import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};

// One executable ESM file (plus lazily loaded chunks); dependencies (core, the SDK, sharp) stay
// external and are installed with the CLI.
export default defineConfig({
  entry: ['src/cli.ts'],
  format: ['esm'],
  target: 'node20',
  sourcemap: true,
  clean: true,
  banner: { js: '#!/usr/bin/env node' },
  define: { CHIPQ_CLI_VERSION: JSON.stringify(version) },
});
