/**
 * /docs renders the API reference in Chromium with the outside network refused: the Scalar
 * bundle comes from the service itself, and no request leaves loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, launchOffline, type OfflineBrowser } from './support/chromium.js';
import { type ServedConsole, serveConsole } from './support/console-service.js';

const skip = browserSkipReason() !== undefined;

describe.skipIf(skip)('/docs without internet', () => {
  let served: ServedConsole;
  let browser: OfflineBrowser;

  beforeAll(async () => {
    served = await serveConsole();
    browser = await launchOffline();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });

  it('renders every operation of the OpenAPI document from the service alone', async () => {
    const page = await browser.context.newPage();
    const scripts: string[] = [];
    page.on('response', (response) => {
      if (response.request().resourceType() === 'script') scripts.push(response.url());
    });
    await page.goto(`${served.url}/docs`);
    // Scalar draws one section per operation; the list endpoint's summary is one of them.
    await page.getByText('List stored results').first().waitFor({ timeout: 60_000 });
    await expect(page.getByText('Inspect one image').first().isVisible()).resolves.toBe(true);
    expect(scripts.some((url) => url.startsWith(`${served.url}/docs/assets/scalar-api-reference-`))).toBe(
      true,
    );
    expect(browser.refused).toEqual([]);
  });

  it('serves the bundle compressed, with a long-lived cache', async () => {
    const html = await (await fetch(`${served.url}/docs`)).text();
    const src = /<script src="([^"]+)"/.exec(html)?.[1];
    expect(src).toMatch(/^\/docs\/assets\/scalar-api-reference-\d+\.\d+\.\d+\.js$/);
    expect(html).not.toContain('cdn.jsdelivr.net');
    const response = await fetch(`${served.url}${src}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('javascript');
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(response.headers.get('cache-control')).toContain('immutable');
    expect((await response.text()).length).toBeGreaterThan(100_000);
  });
});
