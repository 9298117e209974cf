/**
 * Issue 10 item 3: every bad field is a 4xx problem naming the field, decided before any
 * inference runs, for predict (multipart and JSON), batch (its shared fields, its `metadata`
 * entries and its JSON items) and the list filters alike; values are never coerced ('' is not 0,
 * '0x10' is not 16); nothing is stored for a rejected request; the edges of each range are
 * accepted and stored exactly. On the real PostgreSQL, whose columns refuse NUL and int4
 * overflow: before the fix several of these were 500s after inference had run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../src/start-service.js';
import { base64, body, form, jsonBody } from './helpers/http.js';
import { blank, topLeftDefect } from './helpers/png.js';
import { databaseKinds } from './helpers/test-databases.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/test-service.js';

const pair = { image: topLeftDefect(), reference: blank() };
const pairJson = { image: base64(pair.image), reference: base64(pair.reference) };
const manyTags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));

type Init = () => RequestInit;
/**
 * [what, path, request, the fields the problem must name (or a parent of them)]: every one
 * answers 400 INVALID_INPUT.
 */
type BadInput = [string, string, Init, string[]];

const multipart =
  (fields: Record<string, string | string[]>): Init =>
  () => ({
    method: 'POST',
    body: form({ ...pair, ...fields }),
  });
const predictJson =
  (fields: Record<string, unknown>): Init =>
  () =>
    jsonBody('POST', { ...pairJson, ...fields });
const batchForm =
  (fields: Record<string, string | string[]>): Init =>
  () => ({
    method: 'POST',
    body: form({ image: [pair.image, pair.image], reference: [pair.reference, pair.reference], ...fields }),
  });
const batchJson =
  (item: Record<string, unknown>): Init =>
  () =>
    jsonBody('POST', { items: [pairJson, { ...pairJson, ...item }] });
const metadata = (second: Record<string, unknown>) => JSON.stringify([{}, second]);

const badInputs: BadInput[] = [
  // predict, multipart: text fields
  ['NUL in lot_id', '/inference/predict', multipart({ lot_id: 'LOT\u00001' }), ['lot_id']],
  ['a newline in wafer_id', '/inference/predict', multipart({ wafer_id: 'W1\nW2' }), ['wafer_id']],
  ['DEL in station_id', '/inference/predict', multipart({ station_id: 'AOI\u007f' }), ['station_id']],
  ['a 129-character lot_id', '/inference/predict', multipart({ lot_id: 'L'.repeat(129) }), ['lot_id']],
  ['an empty lot_id', '/inference/predict', multipart({ lot_id: '' }), ['lot_id']],
  // predict, multipart: die coordinates are decimal int4, spelled exactly
  ['an empty die_x', '/inference/predict', multipart({ die_x: '' }), ['die_x']],
  ['a hex die_x', '/inference/predict', multipart({ die_x: '0x10' }), ['die_x']],
  ['an exponent die_x', '/inference/predict', multipart({ die_x: '1e3' }), ['die_x']],
  ['a die_x with a leading space', '/inference/predict', multipart({ die_x: ' 5' }), ['die_x']],
  ['a die_x with a plus sign', '/inference/predict', multipart({ die_x: '+5' }), ['die_x']],
  ['a fractional die_y', '/inference/predict', multipart({ die_y: '1.5' }), ['die_y']],
  ['die_x 99999999999', '/inference/predict', multipart({ die_x: '99999999999' }), ['die_x']],
  ['die_x 2^31', '/inference/predict', multipart({ die_x: '2147483648' }), ['die_x']],
  ['die_y -2^31-1', '/inference/predict', multipart({ die_y: '-2147483649' }), ['die_y']],
  // predict, multipart: confidence_threshold is a number as JSON spells one
  [
    'an empty confidence_threshold',
    '/inference/predict',
    multipart({ confidence_threshold: '' }),
    ['confidence_threshold'],
  ],
  [
    'a hex confidence_threshold',
    '/inference/predict',
    multipart({ confidence_threshold: '0x1' }),
    ['confidence_threshold'],
  ],
  [
    'a padded confidence_threshold',
    '/inference/predict',
    multipart({ confidence_threshold: ' 0.5' }),
    ['confidence_threshold'],
  ],
  // predict, multipart: tags
  ['NUL in a tag value', '/inference/predict', multipart({ tags: 'recipe=r\u00007' }), ['tags']],
  ['NUL in a tag key (JSON)', '/inference/predict', multipart({ tags: '{"re\\u0000cipe":"r7"}' }), ['tags']],
  ['65 tags', '/inference/predict', multipart({ tags: JSON.stringify(manyTags(65)) }), ['tags']],
  ['a 65-character tag key', '/inference/predict', multipart({ tags: `${'k'.repeat(65)}=v` }), ['tags']],
  ['a 257-character tag value', '/inference/predict', multipart({ tags: `k=${'v'.repeat(257)}` }), ['tags']],
  // predict, JSON
  ['NUL in lot_id (JSON)', '/inference/predict/base64', predictJson({ lot_id: 'LOT\u00001' }), ['lot_id']],
  [
    'die_x 99999999999 (JSON)',
    '/inference/predict/base64',
    predictJson({ die_x: 99_999_999_999 }),
    ['die_x'],
  ],
  ['die_y 2^31 (JSON)', '/inference/predict/base64', predictJson({ die_y: 2 ** 31 }), ['die_y']],
  ['die_x as a string (JSON)', '/inference/predict/base64', predictJson({ die_x: '5' }), ['die_x']],
  [
    'NUL in a tag value (JSON)',
    '/inference/predict/base64',
    predictJson({ tags: { recipe: 'r\u00007' } }),
    ['tags.recipe'],
  ],
  ['10,000 tags (JSON)', '/inference/predict/base64', predictJson({ tags: manyTags(10_000) }), ['tags']],
  [
    'a tag that is an object (JSON)',
    '/inference/predict/base64',
    predictJson({ tags: { recipe: { a: 1 } } }),
    ['tags.recipe'],
  ],
  // batch, multipart: shared fields and per-image metadata, validated as predict's
  ['a hex shared die_x', '/inference/batch/files', batchForm({ die_x: '0x10' }), ['die_x']],
  ['NUL in a shared lot_id', '/inference/batch/files', batchForm({ lot_id: 'L\u0000' }), ['lot_id']],
  [
    'metadata tags as a number',
    '/inference/batch/files',
    batchForm({ metadata: metadata({ tags: 5 }) }),
    ['metadata.1.tags'],
  ],
  [
    'NUL in a metadata lot_id',
    '/inference/batch/files',
    batchForm({ metadata: metadata({ lot_id: 'L\u0000' }) }),
    ['metadata.1.lot_id'],
  ],
  [
    'a 100,000-character metadata lot_id',
    '/inference/batch/files',
    batchForm({ metadata: metadata({ lot_id: 'L'.repeat(100_000) }) }),
    ['metadata.1.lot_id'],
  ],
  [
    '100,000 metadata tags',
    '/inference/batch/files',
    batchForm({ metadata: metadata({ tags: manyTags(100_000) }) }),
    ['metadata.1.tags'],
  ],
  [
    'metadata die_x 99999999999',
    '/inference/batch/files',
    batchForm({ metadata: metadata({ die_x: 99_999_999_999 }) }),
    ['metadata.1.die_x'],
  ],
  [
    'metadata die_x as a string',
    '/inference/batch/files',
    batchForm({ metadata: metadata({ die_x: '0x10' }) }),
    ['metadata.1.die_x'],
  ],
  ['metadata that is not JSON', '/inference/batch/files', batchForm({ metadata: '[{' }), ['metadata']],
  // batch, JSON items
  ['NUL in an item lot_id', '/inference/batch', batchJson({ lot_id: 'L\u0000' }), ['items.1.lot_id']],
  ['an item die_x of 2^31', '/inference/batch', batchJson({ die_x: 2 ** 31 }), ['items.1.die_x']],
  [
    'NUL in an item filename',
    '/inference/batch',
    batchJson({ filename: 'a\u0000.png' }),
    ['items.1.filename'],
  ],
  ['an item with 65 tags', '/inference/batch', batchJson({ tags: manyTags(65) }), ['items.1.tags']],
];

/** [what, query] of GET /inference: each 400 INVALID_INPUT naming the parameter. */
const badFilters: Array<[string, string, string]> = [
  ['NUL in lot_id', 'lot_id=L%00', 'lot_id'],
  ['a newline in station_id', 'station_id=A%0AB', 'station_id'],
  ['an empty limit', 'limit=', 'limit'],
  ['a hex limit', 'limit=0x10', 'limit'],
  ['an exponent limit', 'limit=1e1', 'limit'],
  ['a padded limit', 'limit=%205', 'limit'],
];

const inferenceCount = async (service: RunningService) => {
  const rows = await body(await service.app.request('/api/v1/inference?limit=200'));
  return rows.items.length as number;
};

const postgres = databaseKinds.find((d) => d.kind === 'postgres');

describe.skipIf(postgres === undefined || postgres.skip)('strict input on PostgreSQL', () => {
  let env: TestEnvironment;
  let service: RunningService;
  const request = (p: string, init?: RequestInit) => service.app.request(`/api/v1${p}`, init);

  beforeAll(async () => {
    env = await createTestEnvironment('postgres', ['diff_detector'], { IMAGE_MAX_SIZE: '30000' });
    service = await env.start({ worker: false });
  });
  afterAll(async () => {
    await service?.stop();
    await env?.dispose();
  });

  it.each(badInputs)('rejects %s before inference, storing nothing', async (_name, path, init, fields) => {
    const before = await inferenceCount(service);
    const response = await request(path, init());
    const problem = await body(response);
    expect(response.status, JSON.stringify(problem)).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(problem.code).toBe('INVALID_INPUT');
    const named: string[] = problem.errors.map((e: { field: string }) => e.field);
    for (const field of fields)
      expect(
        named.some((n) => n === field || n.startsWith(`${field}.`)),
        `${field} in ${named}`,
      ).toBe(true);
    // A bad key is named escaped, never echoed raw: no control character in the answer.
    expect(JSON.stringify(problem)).not.toMatch(/(?<!\\)\\u00[01][0-9a-f]/i);
    expect(await inferenceCount(service)).toBe(before);
  });

  it.each(badFilters)('rejects a list filter with %s', async (_name, query, field) => {
    const response = await request(`/inference?${query}`);
    const problem = await body(response);
    expect(response.status, JSON.stringify(problem)).toBe(400);
    expect(problem.code).toBe('INVALID_INPUT');
    expect(problem.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('accepts and stores the edges of every range exactly', async () => {
    const lot = 'L'.repeat(128);
    const tags = { ...manyTags(63), [`${'k'.repeat(64)}`]: 'v'.repeat(256) };
    const multipartResponse = await request('/inference/predict', {
      method: 'POST',
      body: form({
        ...pair,
        lot_id: lot,
        die_x: '2147483647',
        die_y: '-2147483648',
        confidence_threshold: '1e-1',
        tags: JSON.stringify(tags),
      }),
    });
    const stored = await body(multipartResponse);
    expect(multipartResponse.status, JSON.stringify(stored)).toBe(200);
    expect(stored.traceability).toMatchObject({ lot_id: lot, die_x: 2147483647, die_y: -2147483648, tags });

    const jsonResponse = await request(
      '/inference/predict/base64',
      jsonBody('POST', { ...pairJson, die_x: -2147483648, die_y: 2147483647, tags: { n: 5, b: true } }),
    );
    const json = await body(jsonResponse);
    expect(jsonResponse.status, JSON.stringify(json)).toBe(200);
    expect(json.traceability).toMatchObject({
      die_x: -2147483648,
      die_y: 2147483647,
      tags: { n: '5', b: 'true' },
    });

    const listed = await body(await request(`/inference?lot_id=${lot}&limit=5`));
    expect(listed.items.map((r: { id: string }) => r.id)).toEqual([stored.id]);
  });

  it('accepts batch metadata within the limits and stores it per image', async () => {
    const response = await request('/inference/batch/files', {
      method: 'POST',
      body: form({
        image: [pair.image, pair.image],
        reference: [pair.reference, pair.reference],
        lot_id: 'LOT-B',
        metadata: JSON.stringify([{ die_x: 2147483647 }, { die_y: -1, tags: { side: 'top' } }]),
      }),
    });
    expect(response.status, JSON.stringify(await response.clone().json())).toBe(202);
  });
});
