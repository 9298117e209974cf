/**
 * Lots and wafers on the real service (diff_detector fixture, embedded engine), on PGlite and
 * PostgreSQL: a re-inspected die counts once with its latest verdict, unplaced results are
 * counted apart, lots page by cursor, the wafer map's SVG and G85 name every die, and KLARF needs
 * a pixel size (409 without one) and then places each defect in micrometres.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../src/start-service.js';
import { body, form } from './helpers/http.js';
import { blank, topLeftDefect } from './helpers/png.js';
import { databaseKinds } from './helpers/test-databases.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/test-service.js';

describe.each(databaseKinds)('lots and wafers on $kind', ({ kind, skip }) => {
  let env: TestEnvironment;
  let service: RunningService;
  const ids: Record<string, string> = {};
  const get = (path: string) => service.app.request(`/api/v1${path}`);

  beforeAll(async () => {
    if (skip) return;
    env = await createTestEnvironment(kind, ['diff_detector'], { STATION_PIXEL_SIZES: 'AOI-1=2.5' });
    service = await env.start({ worker: false });
    const predict = async (name: string, image: Uint8Array, fields: Record<string, string>) => {
      const response = await service.app.request('/api/v1/inference/predict', {
        method: 'POST',
        body: form({ image, reference: blank(), ...fields }),
      });
      expect(response.status).toBe(200);
      ids[name] = (await body(response)).id;
    };
    const w1 = { lot_id: 'L1', wafer_id: 'W1', station_id: 'AOI-1' };
    await predict('pass00', blank(), { ...w1, die_x: '0', die_y: '0' });
    await predict('fail10', topLeftDefect(), { ...w1, die_x: '1', die_y: '0' });
    await predict('fail01', topLeftDefect(), { ...w1, die_x: '0', die_y: '1' });
    await predict('pass01', blank(), { ...w1, die_x: '0', die_y: '1' });
    await predict('unplaced', topLeftDefect(), w1);
    await predict('w2', topLeftDefect(), {
      lot_id: 'L1',
      wafer_id: 'W2',
      station_id: 'AOI-9',
      die_x: '0',
      die_y: '0',
    });
    await predict('other', blank(), { lot_id: 'L2', wafer_id: 'W1', die_x: '3', die_y: '4' });
  });
  afterAll(async () => {
    await service?.stop();
    await env?.dispose();
  });

  it.skipIf(skip)('summarises a lot by die: latest verdict per die, yield, classes, models', async () => {
    const response = await get('/lots/L1');
    expect(response.status).toBe(200);
    const lot = await body(response);
    expect(lot).toMatchObject({
      lot_id: 'L1',
      dies_inspected: 4,
      verdicts: { pass: 2, fail: 2, review: 0, no_verdict: 0 },
      yield: 0.5,
      results: 6,
      failed_results: 0,
      unplaced_results: 1,
      defects_by_class: [{ defect_type: 'top_left', count: 2 }],
      models: [{ name: 'diff_detector', version: '1', results: 6 }],
    });
    expect(
      lot.wafers.map((w: { wafer_id: string; dies_inspected: number }) => [w.wafer_id, w.dies_inspected]),
    ).toEqual([
      ['W1', 3],
      ['W2', 1],
    ]);
  });

  it.skipIf(skip)('lists a wafer die by die with every result of a re-inspected die', async () => {
    const wafer = await body(await get('/lots/L1/wafers/W1'));
    expect(wafer.dies).toEqual([
      expect.objectContaining({
        die_x: 0,
        die_y: 0,
        verdict: 'PASS',
        defect_count: 0,
        result_ids: [ids.pass00],
      }),
      expect.objectContaining({
        die_x: 1,
        die_y: 0,
        verdict: 'FAIL',
        defect_count: 1,
        result_ids: [ids.fail10],
      }),
      expect.objectContaining({
        die_x: 0,
        die_y: 1,
        verdict: 'PASS',
        latest_result_id: ids.pass01,
        result_ids: [ids.pass01, ids.fail01],
      }),
    ]);
    expect(wafer.unplaced_result_ids).toEqual([ids.unplaced]);
    expect(wafer.yield).toBeCloseTo(2 / 3);
  });

  it.skipIf(skip)('pages lots newest first by cursor and filters by station', async () => {
    const first = await body(await get('/lots?limit=1'));
    expect(first.items.map((l: { lot_id: string }) => l.lot_id)).toEqual(['L2']);
    const second = await body(await get(`/lots?limit=1&cursor=${first.page.next_cursor}`));
    expect(second.items.map((l: { lot_id: string }) => l.lot_id)).toEqual(['L1']);
    expect(second.page.next_cursor).toBeNull();
    const byStation = await body(await get('/lots?station_id=AOI-9'));
    expect(byStation.items.map((l: { lot_id: string }) => l.lot_id)).toEqual(['L1']);
    const bad = await get('/lots?cursor=not-a-cursor-at-all-xxxxxxxx');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
  });

  it.skipIf(skip)('draws the wafer map as SVG and SEMI G85 with a cell per die', async () => {
    const svgResponse = await get('/lots/L1/wafers/W1/wafer-map.svg');
    expect(svgResponse.headers.get('content-type')).toContain('image/svg+xml');
    const svg = await svgResponse.text();
    expect(svg).toContain('<title id="wafer-map-title">Wafer map: lot L1, wafer W1</title>');
    expect(
      [...svg.matchAll(/data-die-x="(\d+)" data-die-y="(\d+)" data-verdict="(\w+)"/g)].map((m) => m.slice(1)),
    ).toEqual([
      ['0', '1', 'PASS'],
      ['0', '0', 'PASS'],
      ['1', '0', 'FAIL'],
    ]);
    const g85 = await (await get('/lots/L1/wafers/W1/wafer-map.g85')).text();
    // Row 0 is die_y 1 (only die_x 0 inspected), row 1 is die_y 0.
    expect([...g85.matchAll(/<Row><!\[CDATA\[([^\]]*)\]\]><\/Row>/g)].map((m) => m[1])).toEqual([
      '001 255',
      '001 002',
    ]);
  });

  it.skipIf(skip)(
    'writes KLARF in micrometres from the station pixel size, and 409 without one',
    async () => {
      const klarf = await (await get('/lots/L1/wafers/W1/klarf')).text();
      expect(klarf).toMatch(/^Record FileRecord "1.8"/);
      expect(klarf).toContain('Field InspectionStationID 3 {"chipq", "chipq-inference", "AOI-1"}');
      expect(klarf).toMatch(/ {2}1 "top_left" "TOP_LEFT";/);
      const defects = [...klarf.matchAll(/^ {10}(\d+ .*);$/gm)].map((m) => (m[1] as string).split(' '));
      expect(defects).toHaveLength(1);
      expect(defects[0]?.slice(3, 5)).toEqual(['1', '0']);
      const missing = await get('/lots/L1/wafers/W2/klarf');
      expect(missing.status).toBe(409);
      expect((await body(missing)).detail).toContain('STATION_PIXEL_SIZES');
      expect((await get('/lots/L1/wafers/W9/klarf')).status).toBe(404);
      expect((await get('/lots/L9')).status).toBe(404);
    },
  );
});
