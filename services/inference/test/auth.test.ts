/**
 * Authentication and scopes (issue 10, item 1), against the real service on both databases:
 * model management always needs an admin key (401 without one, 403 with another scope);
 * inference and reads are open until a key with the `infer` scope exists, then need a key;
 * stored results and deployment events carry the key id, never the secret; revoked keys stop
 * at once; keys over their rate limit get 429 with Retry-After.
 */

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../src/start-service.js';
import { body, form, jsonBody } from './helpers/http.js';
import { blank, topLeftDefect } from './helpers/png.js';
import { databaseKinds } from './helpers/test-databases.js';
import { adminHeaders, createTestEnvironment, type TestEnvironment } from './helpers/test-service.js';

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe.each(databaseKinds)('authentication on $kind', ({ kind, skip }) => {
  let env: TestEnvironment;
  let service: RunningService;
  const request = (p: string, init?: RequestInit) => service.app.request(`/api/v1${p}`, init);
  const predict = (headers: Record<string, string> = {}) =>
    request('/inference/predict', {
      method: 'POST',
      body: form({ image: topLeftDefect(), reference: blank(), lot_id: 'LOT-AUTH' }),
      headers,
    });
  const createKey = async (scopes: string[], name = `test-${scopes.join('-')}`) => {
    const response = await request('/keys', {
      ...jsonBody('POST', { name, scopes }),
      headers: { 'content-type': 'application/json', ...adminHeaders },
    });
    expect(response.status).toBe(201);
    return body(response);
  };

  beforeAll(async () => {
    if (skip) return;
    env = await createTestEnvironment(kind, ['diff_detector']);
    service = await env.start({ worker: false });
  });
  afterAll(async () => {
    await service?.stop();
    await env?.dispose();
  });

  it.skipIf(skip)(
    'refuses model management without a key: 401 problem+json, the model keeps serving',
    async () => {
      for (const [path, init] of [
        ['/models/diff_detector/unload', { method: 'POST' }],
        ['/models/diff_detector/load', { method: 'POST' }],
        ['/models/deploy', { method: 'POST', body: form({ name: 'diff_detector' }) }],
        ['/keys', { method: 'GET' }],
      ] as const) {
        const response = await request(path, init);
        expect(response.status, path).toBe(401);
        expect(response.headers.get('content-type')).toBe('application/problem+json');
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect(await body(response)).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
      }
      const status = await body(await request('/models/diff_detector/status'));
      expect(status.ready).toBe(true);
    },
  );

  it.skipIf(skip)('refuses a malformed header and an unknown key with 401', async () => {
    for (const authorization of [
      'Basic dXNlcjpwYXNz',
      'Bearer',
      'Bearer chipq_aaaaaaaa_notarealsecretnotarealsecretnotarealsecret12',
      `Bearer ${'x'.repeat(600)}`,
    ]) {
      const response = await request('/models', { headers: { authorization } });
      expect(response.status, authorization.slice(0, 20)).toBe(401);
      expect((await body(response)).code).toBe('UNAUTHENTICATED');
    }
  });

  it.skipIf(skip)('lets the bootstrap admin key manage models and records its id', async () => {
    const unload = await request('/models/diff_detector/unload', { method: 'POST', headers: adminHeaders });
    expect(unload.status).toBe(200);
    const load = await request('/models/diff_detector/load', { method: 'POST', headers: adminHeaders });
    expect(load.status).toBe(200);
    const events = await service.database.db
      .selectFrom('model_deployments')
      .select(['event', 'api_key_id'])
      .execute();
    expect(events.filter((e) => e.event === 'unloaded' || e.event === 'loaded')).toEqual([
      expect.objectContaining({ api_key_id: 'env-admin' }),
      expect.objectContaining({ api_key_id: 'env-admin' }),
    ]);
  });

  it.skipIf(skip)('is open for inference and reads until an infer key exists, then needs a key', async () => {
    const open = await predict();
    expect(open.status).toBe(200);
    const openResult = await body(open);
    expect((await request(`/inference/${openResult.id}`)).status).toBe(200);

    const reader = await createKey(['read']);
    // A read key alone does not close access: only infer keys do.
    expect((await predict()).status).toBe(200);
    const inferer = await createKey(['infer'], 'aoi-station-7');
    expect(inferer.key).toMatch(/^chipq_[a-z2-7]{8}_[A-Za-z0-9_-]{43}$/);

    const anonymous = await predict();
    expect(anonymous.status).toBe(401);
    expect((await body(anonymous)).code).toBe('UNAUTHENTICATED');
    expect((await request(`/inference/${openResult.id}`)).status).toBe(401);
    expect((await request('/models')).status).toBe(401);
    // Health stays open for probes.
    expect((await request('/monitoring/health')).status).toBe(200);

    const denied = await predict(bearer(reader.key));
    expect(denied.status).toBe(403);
    expect(await body(denied)).toMatchObject({ code: 'PERMISSION_DENIED', details: { scope: 'infer' } });
    expect((await request(`/inference/${openResult.id}`, { headers: bearer(reader.key) })).status).toBe(200);

    const allowed = await predict(bearer(inferer.key));
    expect(allowed.status).toBe(200);
    const stored = await body(allowed);
    const row = await service.database.db
      .selectFrom('inferences')
      .select(['api_key_id', 'lot_id'])
      .where('id', '=', stored.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ api_key_id: inferer.id, lot_id: 'LOT-AUTH' });

    // An infer key cannot manage models.
    const unload = await request('/models/diff_detector/unload', {
      method: 'POST',
      headers: bearer(inferer.key),
    });
    expect(unload.status).toBe(403);
    expect((await body(unload)).code).toBe('PERMISSION_DENIED');

    // Batches store the key id too.
    const batch = await request('/inference/batch/files', {
      method: 'POST',
      body: form({ image: [blank()], reference: [blank()] }),
      headers: bearer(inferer.key),
    });
    expect(batch.status).toBe(202);
    const batchRow = await service.database.db
      .selectFrom('batches')
      .select('api_key_id')
      .where('id', '=', (await body(batch)).id)
      .executeTakeFirstOrThrow();
    expect(batchRow.api_key_id).toBe(inferer.id);

    // Revoked: refused at once; access is open again once no live infer key is left.
    const revoked = await request(`/keys/${inferer.id}/revoke`, { method: 'POST', headers: adminHeaders });
    expect(revoked.status).toBe(200);
    expect((await body(revoked)).revoked_at).toEqual(expect.any(String));
    expect((await predict(bearer(inferer.key))).status).toBe(401);
    expect((await predict()).status).toBe(200);
  });

  it.skipIf(skip)('stores only a hash: no column holds a secret, the list shows none', async () => {
    const created = await createKey(['admin'], 'second-admin');
    const list = await body(await request('/keys', { headers: bearer(created.key) }));
    expect(JSON.stringify(list)).not.toContain(created.key);
    expect(list.keys.map((k: { id: string }) => k.id)).toContain(created.id);
    const dump = await sql<{ text: string }>`select row_to_json(k)::text as text from api_keys k`.execute(
      service.database.db,
    );
    const secret = (created.key as string).slice('chipq_'.length + 9);
    for (const { text } of dump.rows) expect(text).not.toContain(secret);
  });

  it.skipIf(skip)('answers bad key requests with 400 and unknown ids with 404', async () => {
    const post = (value: unknown) =>
      request('/keys', {
        ...jsonBody('POST', value),
        headers: { 'content-type': 'application/json', ...adminHeaders },
      });
    expect((await post({ name: 'x', scopes: ['root'] })).status).toBe(400);
    expect((await post({ name: 'x', scopes: [] })).status).toBe(400);
    expect((await post({ name: 'a\u0000b', scopes: ['read'] })).status).toBe(400);
    expect((await post({ name: 'x'.repeat(101), scopes: ['read'] })).status).toBe(400);
    const missing = await request('/keys/aaaaaaaa/revoke', { method: 'POST', headers: adminHeaders });
    expect(missing.status).toBe(404);
  });
});

describe('rate limits', () => {
  let env: TestEnvironment;
  let service: RunningService;

  beforeAll(async () => {
    env = await createTestEnvironment('pglite', ['diff_detector'], { RATE_LIMIT: '3' });
    service = await env.start({ worker: false });
  });
  afterAll(async () => {
    await service?.stop();
    await env?.dispose();
  });

  it('answers 429 RATE_LIMITED with Retry-After once a key passes its limit, per key', async () => {
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 4; i++) {
      last = await service.app.request('/api/v1/models', { headers: adminHeaders });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const retryAfter = Number(last?.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await body(last as Response)).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    // Another caller (no key: counted by address) has its own budget.
    expect((await service.app.request('/api/v1/models')).status).toBe(200);
  });
});
