/**
 * Debian's Chromium (apt `chromium`, installed by .ci/run) driven by playwright-core: no browser
 * download. Every page runs with the outside network refused: a route aborts each request that
 * is not to loopback and records it, so a test can assert that none was attempted (fab
 * networks are air-gapped; nothing the service serves may reach for a CDN).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

const chromiumPath = process.env.CHIPQ_CHROMIUM ?? '/usr/bin/chromium';

/** Why the browser suites cannot run here, or undefined when they can. In CI a missing browser fails. */
export function browserSkipReason(): string | undefined {
  if (existsSync(chromiumPath)) return undefined;
  const reason = `no Chromium at ${chromiumPath} (apt-get install chromium, as .ci/run does)`;
  if (process.env.CI) throw new Error(`browser suites need Chromium in CI: ${reason}`);
  console.warn(`[chipq] browser suites skipped: ${reason}`);
  return reason;
}

const loopback = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface OfflineBrowser {
  context: BrowserContext;
  /** URLs the pages tried to reach outside loopback (each was aborted). */
  refused: string[];
  close(): Promise<void>;
}

/** A headless Chromium with a fresh profile (its own user-data-dir) and a context that refuses every non-loopback request. */
export async function launchOffline(
  viewport: { width: number; height: number } = { width: 1280, height: 800 },
): Promise<OfflineBrowser> {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'chipq-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    viewport,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const refused: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || url.protocol === 'blob:' || loopback.has(url.hostname))
      return route.continue();
    refused.push(url.href);
    return route.abort('internetdisconnected');
  });
  return {
    context,
    refused,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
