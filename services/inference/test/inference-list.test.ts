/**
 * GET /inference on the real service (diff_detector fixture on the embedded engine), on PGlite
 * and PostgreSQL: every filter, keyset pagination (also through rows stored in the same
 * millisecond), and bad queries answered as problem+json.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertInference } from '../src/repositories/inference-repository.js';
import type { RunningService } from '../src/start-service.js';
import { body, form } from './helpers/http.js';
import { blank, topLeftDefect } from './helpers/png.js';
import { databaseKinds } from './helpers/test-databases.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/test-service.js';

describe.each(databaseKinds)('GET /inference on $kind', ({ kind, skip }) => {
  let env: TestEnvironment;
  let service: RunningService;
  const ids: Record<string, string> = {};
  const list = async (query: string) => {
    const response = await service.app.request(`/api/v1/inference?${query}`);
    return { status: response.status, json: await body(response) };
  };
  const idsOf = (json: { items: Array<{ id: string }> }) => json.items.map((item) => item.id);

  beforeAll(async () => {
    if (skip) return;
    env = await createTestEnvironment(kind, ['diff_detector']);
    service = await env.start({ worker: false });
    const predict = async (name: string, image: Uint8Array, fields: Record<string, string>) => {
      const response = await service.app.request('/api/v1/inference/predict', {
        method: 'POST',
        body: form({ image, reference: blank(), ...fields }),
      });
      expect(response.status).toBe(200);
      ids[name] = (await body(response)).id;
    };
    await predict('passA', blank(), { lot_id: 'LOT-A', wafer_id: 'W01' });
    await predict('failA', topLeftDefect(), { lot_id: 'LOT-A', wafer_id: 'W02' });
    await predict('failB', topLeftDefect(), { lot_id: 'LOT-B', wafer_id: 'W01', station_id: 'AOI-3' });
  });
  afterAll(async () => {
    await service?.stop();
    await env?.dispose();
  });

  it.skipIf(skip)('lists results newest first, each as GET /inference/{id} answers it', async () => {
    const { status, json } = await list('');
    expect(status).toBe(200);
    expect(idsOf(json)).toEqual([ids.failB, ids.failA, ids.passA]);
    expect(json.page).toEqual({ limit: 50, next_cursor: null });
    const one = await body(await service.app.request(`/api/v1/inference/${ids.failB}`));
    expect(json.items[0]).toEqual(one);
    expect(json.items[0].detections[0].defect_type).toBe('top_left');
  });

  it.skipIf(skip)('filters by lot, wafer, station, verdict, status, model and version', async () => {
    const cases: Array<[string, string[]]> = [
      ['lot_id=LOT-A', [ids.failA, ids.passA] as string[]],
      ['lot_id=LOT-A&wafer_id=W01', [ids.passA] as string[]],
      ['wafer_id=W01', [ids.failB, ids.passA] as string[]],
      ['station_id=AOI-3', [ids.failB] as string[]],
      ['verdict=FAIL', [ids.failB, ids.failA] as string[]],
      ['verdict=PASS&lot_id=LOT-B', []],
      ['status=completed&model=diff_detector&version=1', [ids.failB, ids.failA, ids.passA] as string[]],
      ['model=other', []],
      ['version=2', []],
    ];
    for (const [query, want] of cases) {
      const { status, json } = await list(query);
      expect(status, query).toBe(200);
      expect(idsOf(json), query).toEqual(want);
    }
  });

  it.skipIf(skip)('filters by a created_at window (from inclusive, to exclusive)', async () => {
    const all = (await list('')).json.items as Array<{ id: string; created_at: string }>;
    const middle = all[1]?.created_at as string;
    expect(idsOf((await list(`from=${encodeURIComponent(middle)}`)).json)).toContain(ids.failA);
    expect(idsOf((await list(`to=${encodeURIComponent(middle)}`)).json)).not.toContain(ids.failA);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(idsOf((await list(`from=${future}`)).json)).toEqual([]);
  });

  it.skipIf(skip)(
    'pages with a cursor through rows stored in the same instant, none lost or repeated',
    async () => {
      const lot = `LOT-PAGE-${kind}`;
      const sameInstant = new Date();
      const stored: string[] = [];
      for (let i = 0; i < 7; i++) {
        const id = randomUUID();
        stored.push(id);
        await insertInference(service.database.db, {
          id,
          status: 'completed',
          model_name: 'diff_detector',
          model_version: '1',
          lot_id: lot,
          image_sha256: `sha-${i}`,
          image_bytes: 1,
          verdict_status: 'PASS',
          // Microseconds apart within one millisecond for the first four: a Date cursor would skip them.
          created_at: i < 4 ? `${sameInstant.toISOString().slice(0, 23)}${i}00+00:00` : sameInstant,
        });
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const { status, json } = await list(
          `lot_id=${lot}&limit=3${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
        );
        expect(status).toBe(200);
        expect(json.items.length).toBeLessThanOrEqual(3);
        seen.push(...idsOf(json));
        cursor = json.page.next_cursor;
        pages++;
      } while (cursor !== null && pages < 10);
      expect(pages).toBe(3);
      expect(new Set(seen).size).toBe(7);
      expect([...seen].sort()).toEqual([...stored].sort());
    },
  );

  it.skipIf(skip)('answers problem+json for bad filters and cursors', async () => {
    for (const query of [
      'verdict=MAYBE',
      'limit=0',
      'limit=201',
      'from=yesterday',
      'from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z',
      'cursor=%3Cscript%3E',
      `cursor=${Buffer.from('2026-01-01|x').toString('base64url')}aaaaaaaaaaaaaa`,
      'batch_id=nope',
    ]) {
      const response = await service.app.request(`/api/v1/inference?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.headers.get('content-type'), query).toContain('application/problem+json');
      expect((await body(response)).code, query).toBe('INVALID_INPUT');
    }
  });
});
