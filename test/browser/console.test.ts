/**
 * The console in Chromium against the real service on its embedded defaults (ONNX Runtime on
 * models/, PGlite), with the outside network refused: inspect a real DeepPCB pair and see its
 * defects and verdict, filter the results list and open a result by its URL, review with the
 * keyboard (a detection toggled, a missed defect drawn) and see the review stored by the service,
 * in the list and on the result page, a model page with load/unload and charts. The service keeps
 * images (IMAGE_STORE_DIR), so every result shows its picture, not only the one inspected here.
 * Screenshots of each screen go to test-output/console/.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChipqClient, createChipqClient, type InferenceResult } from '../../packages/sdk/src/index.js';
import { greyPng } from '../../services/inference/test/helpers/png.js';
import { browserSkipReason, launchOffline, type OfflineBrowser } from './support/chromium.js';
import { repositoryRoot, type ServedConsole, serveConsole } from './support/console-service.js';
import { deeppcbPair } from './support/deeppcb-pair.js';

const skip = browserSkipReason() !== undefined;
const pair = deeppcbPair('00041000');
const shots = path.join(repositoryRoot, 'test-output', 'console');
const model = 'pcb_defect_detector';
/** The service's bootstrap admin key (CHIPQ_ADMIN_KEY), typed into the Models page. */
const adminKey = 'console-test-admin-key-0123456789abcdef';

describe.skipIf(skip)('console in Chromium, offline', () => {
  let served: ServedConsole;
  let browser: OfflineBrowser;
  let page: Page;
  const seeded: InferenceResult[] = [];
  let client: ChipqClient;
  const pageErrors: string[] = [];
  const shot = (name: string) => page.screenshot({ path: path.join(shots, `${name}.png`) });

  beforeAll(async () => {
    await mkdir(shots, { recursive: true });
    served = await serveConsole({ CHIPQ_ADMIN_KEY: adminKey, IMAGE_STORE_DIR: 'images' });
    browser = await launchOffline();
    page = await browser.context.newPage();
    // Two shared cores: generous waits, never timing assertions.
    page.setDefaultTimeout(90_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // Results to list and review: other DeepPCB pairs (plain boards without the dataset), stored through the SDK.
    client = createChipqClient({ baseUrl: served.url, timeoutMs: 120_000 });
    const board = greyPng(640, 640, (x, y) => (((x >> 5) + (y >> 5)) % 2 === 0 ? 0 : 255));
    for (const [id, lot] of [
      ['00041001', 'LOT-B'],
      ['00041002', 'LOT-C'],
    ] as const) {
      const files = deeppcbPair(id);
      seeded.push(
        await client.predict({
          image: files === undefined ? board : await readFile(files.image),
          reference: files === undefined ? board : await readFile(files.reference),
          model,
          lotId: lot,
          waferId: 'W01',
        }),
      );
    }
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });

  it.skipIf(pair === undefined)(
    'inspects a DeepPCB pair: boxes by class, labels, verdict and rule',
    async () => {
      if (pair === undefined) return;
      await page.goto(`${served.url}/`);
      await page.locator('input[name=image]').setInputFiles(pair.image);
      await page.locator('input[name=reference]').setInputFiles(pair.reference);
      await page.getByLabel('Model').selectOption(model);
      await page.getByLabel('Lot').fill('LOT-A');
      await page.getByRole('button', { name: 'Inspect', exact: true }).click();
      const verdict = page.locator('.verdict-panel .verdict');
      await verdict.waitFor({ timeout: 120_000 });
      expect(await verdict.textContent()).toBe('FAIL');
      expect(await page.getByTestId('verdict-rule').textContent()).toMatch(/^[a-z-]+$/);
      const boxes = page.locator('svg.boxes g[data-defect]');
      // 00041000 has 15 annotated defects; the model finds most of them.
      expect(await boxes.count()).toBeGreaterThanOrEqual(8);
      const colours = await boxes.evaluateAll((gs) =>
        gs.map((g) => [g.getAttribute('data-defect'), g.querySelector('rect')?.getAttribute('stroke')]),
      );
      const byClass = new Map(colours.map(([c, s]) => [c, s]));
      for (const [c, s] of colours) expect(byClass.get(c)).toBe(s);
      expect(new Set(byClass.values()).size).toBe(byClass.size);
      expect(await page.locator('svg.boxes text').first().textContent()).toMatch(/^[a-z-]+ \d+%$/);
      expect(await page.locator('.detections tbody tr').count()).toBe(await boxes.count());
      expect(await page.locator('img.layer').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(640);
      await shot('inspect');

      await page.locator('.segmented label', { hasText: 'Difference' }).click();
      await page.locator('canvas.layer').waitFor();
      await page.getByRole('button', { name: 'Zoom in' }).click();
      await page.getByRole('button', { name: 'Zoom in' }).click();
      expect(await page.locator('.inspection output').textContent()).toBe('156%');
      const viewport = page.locator('.viewport');
      const box = await viewport.boundingBox();
      if (box === null) throw new Error('no viewport');
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 2 - 120, box.y + box.height / 2 - 80, { steps: 4 });
      await page.mouse.up();
      expect(await page.locator('.stage').getAttribute('style')).toContain('scale(1.5625)');
      await shot('inspect-difference-zoomed');
      await page.locator('.segmented label', { hasText: 'Reference' }).click();
      expect(await page.locator('img.layer').getAttribute('alt')).toBe('Reference image');
    },
  );

  it('filters the results list and opens a result at its own URL', async () => {
    await page.goto(`${served.url}/results`);
    await page.locator('table.results tbody tr').first().waitFor();
    const all = await page.locator('table.results tbody tr').count();
    expect(all).toBeGreaterThanOrEqual(seeded.length);
    await page.getByLabel('Lot').fill('LOT-B');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/\/results\?lot_id=LOT-B$/);
    await page.waitForFunction(
      () => document.querySelector('table.results')?.getAttribute('aria-busy') === 'false',
    );
    const lots = await page.locator('table.results tbody tr td:nth-child(5)').allTextContents();
    expect(lots).toEqual(seeded.filter((r) => r.traceability.lot_id === 'LOT-B').map(() => 'LOT-B'));
    await shot('results-filtered');

    if (seeded[0] === undefined) return;
    await page.goto(`${served.url}/results/${seeded[0].id}`);
    await page.locator('.verdict-panel .verdict').waitFor();
    expect(await page.locator('.verdict-panel .verdict').textContent()).toBe(seeded[0].verdict?.status);
    expect(await page.locator('svg.boxes g[data-defect]').count()).toBe(seeded[0].detections.length);
    await shot('result-page');
  });

  it('reviews with the keyboard: a detection toggled, a missed defect drawn, stored by the service and shown', async () => {
    await page.goto(`${served.url}/review?queue=all`);
    await page
      .getByTestId('queue-position')
      .filter({ hasText: /^1 of \d+/ })
      .waitFor();
    const href = await page.locator('.verdict-panel a[href^="/results/"]').getAttribute('href');
    const id = (href ?? '').slice('/results/'.length);
    // The oldest unreviewed result comes first; the service kept its picture.
    expect(id).toBe(seeded[0]?.id);
    await page.locator('img.layer').waitFor();
    const detections = await page.locator('.detections tbody tr').count();
    if (detections > 0) {
      await page.keyboard.press('1');
      expect(await page.locator('button.outcome').first().getAttribute('aria-pressed')).toBe('true');
    }
    await page.getByLabel('Class').fill('open');
    await page.getByRole('heading', { name: 'Review', exact: true }).click();
    await page.keyboard.press('d');
    const svg = await page.locator('svg.boxes').boundingBox();
    if (svg === null) throw new Error('no image');
    await page.mouse.move(svg.x + 40, svg.y + 40);
    await page.mouse.down();
    await page.mouse.move(svg.x + 90, svg.y + 80, { steps: 3 });
    await page.mouse.up();
    expect(await page.locator('svg.boxes g.drawn').count()).toBe(1);
    await shot('review');
    await page.keyboard.press('a');
    await page
      .getByRole('status')
      .filter({ hasText: /^Accepted [0-9a-f]{8}: FAIL \(/ })
      .waitFor();

    // Stored by the service, as judged: detection 0 a false alarm, the rest true, one missed "open".
    const stored = await client.getResult(id);
    if (stored.kind !== 'result') throw new Error('not a result');
    expect(stored.review).toMatchObject({
      verdict: 'FAIL',
      counts: { true_defects: Math.max(0, detections - 1), false_alarms: detections > 0 ? 1 : 0, missed: 1 },
      missed: [{ defect_type: 'open' }],
    });
    await page.getByTestId('precision').first().waitFor();
    await page.keyboard.press('k');
    await page.getByTestId('already-reviewed').waitFor();

    await page.goto(`${served.url}/results`);
    const row = page.locator(`table.results tr:has(a[href="${href}"])`);
    await row.waitFor();
    expect(await row.locator('td:nth-child(7)').textContent()).toMatch(
      /^FAIL \(\d+ true, \d+ false, 1 missed\)$/,
    );
    await page.goto(`${served.url}${href}`);
    await page.getByTestId('review-summary').waitFor();
    expect(await page.locator('svg.boxes g.drawn').count()).toBe(1);
    await shot('result-reviewed');
  });

  it('shows a model: versions, default, state, unload and load with the admin key, charts', async () => {
    await page.goto(`${served.url}/models`);
    const card = page.locator('article.model', { has: page.getByRole('heading', { name: model }) });
    await card.waitFor();
    expect(await card.locator('tbody tr').count()).toBe(2);
    expect(await card.getByText(/^yes \((configured|newest ready)\)$/).count()).toBe(1);
    // Without a key the service refuses, and the page says why.
    await card.getByRole('button', { name: 'Unload' }).click();
    await card.getByRole('alert').waitFor();
    expect(await card.getByRole('alert').textContent()).toMatch(/401|key|auth/i);

    await page.getByLabel('API key').fill(adminKey);
    await page.getByRole('button', { name: 'Use key' }).click();
    expect(await page.evaluate(() => sessionStorage.getItem('chipq.apiKey'))).toBe(adminKey);
    expect(await page.evaluate(() => localStorage.getItem('chipq.apiKey'))).toBeNull();

    const unload = page.waitForRequest((r) => r.url().endsWith(`/models/${model}/unload`));
    await card.getByRole('button', { name: 'Unload' }).click();
    expect((await unload).headers().authorization).toBe(`Bearer ${adminKey}`);
    await card.locator('.toolbar .state', { hasText: 'UNAVAILABLE' }).waitFor();
    await card.getByRole('button', { name: 'Load', exact: true }).click();
    await card.locator('.toolbar .state', { hasText: 'READY' }).waitFor({ timeout: 120_000 });

    await page.locator('figure.chart').nth(4).waitFor();
    expect(await page.locator('figure.chart figcaption').allTextContents()).toEqual([
      'Throughput (images/min)',
      'Latency (ms)',
      'Defect rate (% FAIL)',
      'Anomalies (severity 0 ok – 4 critical)',
      'Precision from reviews (% by day, 14 d)',
    ]);
    // Today's point of the reviewed version: the review above counts.
    if (pair !== undefined)
      await page
        .locator('figure.chart', { hasText: 'Precision from reviews' })
        .locator('circle')
        .first()
        .waitFor();
    await page.locator('ul.checks li').first().waitFor();
    await shot('models');
    await page
      .locator('section[aria-label^="Metrics of"]')
      .screenshot({ path: path.join(shots, 'models-charts.png') });
  });

  it('holds on a tablet in portrait: results and review', async () => {
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.goto(`${served.url}/results`);
    await page.locator('table.results tbody tr').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    expect(overflow).toBe(false);
    await shot('results-tablet');
    await page.goto(`${served.url}/review?queue=all`);
    await page.getByTestId('queue-position').waitFor();
    await page.locator('section[aria-label="Precision by version"] table').waitFor();
    await page.locator('img.layer').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)).toBe(false);
    await shot('review-tablet');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('loaded nothing from outside loopback, and threw no script error', () => {
    expect(browser.refused).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

describe.skipIf(skip)('console files over HTTP', () => {
  let served: ServedConsole;
  beforeAll(async () => {
    served = await serveConsole();
  });
  afterAll(async () => {
    await served?.stop();
  });
  const get = (p: string, accept = 'text/html') =>
    fetch(`${served.url}${p}`, { headers: { accept, 'accept-encoding': 'gzip' } });

  it('serves index.html for client routes, revalidated; assets gzipped and immutable; the API stays the API', async () => {
    const index = await get('/results/0f8c4e1a-3b7d-4c2e-9a51-6d0e2f7b8c90');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('text/html');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const script = /<script type="module" crossorigin src="([^"]+)"/.exec(html)?.[1];
    expect(script).toMatch(/^\/assets\/index-[\w-]+\.js$/);

    const asset = await get(script as string, '*/*');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    expect(asset.headers.get('content-encoding')).toBe('gzip');
    expect(asset.headers.get('cache-control')).toContain('immutable');

    expect((await get('/assets/missing.js', '*/*')).status).toBe(404);
    expect((await get('/nope.js', '*/*')).status).toBe(404);
    const api = await get('/api/v1/nope', 'application/json');
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toContain('application/problem+json');
    expect((await get('/api/v1/nope')).headers.get('content-type')).toContain('application/problem+json');
    expect((await get('/favicon.svg', 'image/*')).headers.get('content-type')).toContain('image/svg+xml');
  });
});
