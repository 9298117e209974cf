// The main entry must run wherever fetch exists (browsers, Deno, Bun): no module it loads may
// import node: built-ins. Only src/node.ts (the `./node` subpath) may.
import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

const srcDir = new URL('./', import.meta.url);

describe('@chipq/sdk main entry', () => {
  it('imports no node: modules outside src/node.ts', async () => {
    const sources = (await readdir(srcDir)).filter(
      (name) => name.endsWith('.ts') && name !== 'node.ts' && !/\.test(-d)?\.ts$/.test(name),
    );
    expect(sources).toContain('index.ts');
    const offenders: string[] = [];
    for (const name of sources) {
      const text = await readFile(new URL(name, srcDir), 'utf8');
      if (/from\s+['"]node:|require\(['"]node:/.test(text)) offenders.push(name);
    }
    expect(offenders).toEqual([]);
  });
});
