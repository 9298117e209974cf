// The first screen must stay under 200 KB of JavaScript, gzipped (fab terminals are often old
// and far from the server). Counted from the built dist/: every script and modulepreload that
// index.html names. Size, not timing, so it is stable. Needs `pnpm build` (run by `pnpm test`).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const budget = 200 * 1024;

describe('the console build', () => {
  it('loads under 200 KB of gzipped JavaScript on its first screen', async () => {
    expect(existsSync(`${dist}index.html`), 'packages/console/dist is missing: run `pnpm build`').toBe(true);
    const html = await readFile(`${dist}index.html`, 'utf8');
    const scripts = [
      ...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\/([^"]+\.js)"/g),
    ].map((m) => m[1] as string);
    expect(scripts.length).toBeGreaterThan(0);
    let total = 0;
    for (const script of scripts)
      total += gzipSync(await readFile(`${dist}${script}`), { level: 9 }).byteLength;
    console.log(
      `[chipq] console first screen: ${scripts.length} script(s), ${(total / 1024).toFixed(1)} KB gzipped`,
    );
    expect(total).toBeLessThan(budget);
  });
});
