/**
 * The default version in the database (issue 11): seeded from config.pbtxt, switched by promote
 * and rollback (admin only, recorded with who/when/why), kept across a restart, and read by every
 * replica on its next request. Real embedded engine over a repository whose `diff_detector` has
 * two versions (the fixture's version 1 copied as version 2).
 */
import { appendFile, cp } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../src/start-service.js';
import { body, form } from './helpers/http.js';
import { blank, topLeftDefect } from './helpers/png.js';
import { databaseKinds } from './helpers/test-databases.js';
import { adminHeaders, createTestEnvironment, type TestEnvironment } from './helpers/test-service.js';

const model = 'diff_detector';

async function twoVersionEnvironment(kind: 'pglite' | 'postgres'): Promise<TestEnvironment> {
  const env = await createTestEnvironment(kind, [model]);
  const folder = path.join(env.repository, model);
  await cp(path.join(folder, '1'), path.join(folder, '2'), { recursive: true });
  await appendFile(
    path.join(folder, 'config.pbtxt'),
    '\nversion_policy: { latest { num_versions: 2 } }\nparameters { key: "chipq.default_version" value: { string_value: "1" } }\n',
  );
  return env;
}

const client = (service: RunningService) => {
  const request = (p: string, init?: RequestInit) => service.app.request(`/api/v1${p}`, init);
  const admin = (p: string, value: unknown, headers: Record<string, string> = adminHeaders) =>
    request(p, {
      method: 'POST',
      body: JSON.stringify(value),
      headers: { ...headers, 'content-type': 'application/json' },
    });
  /** The version that served a request naming none. */
  const servedVersion = async () => {
    const response = await request('/inference/predict', {
      method: 'POST',
      body: form({ image: topLeftDefect(), reference: blank(), model }),
    });
    expect(response.status).toBe(200);
    return (await body(response)).model.version as string;
  };
  const defaultVersion = async () => (await body(await request(`/models/${model}`))).default_version;
  return { request, admin, servedVersion, defaultVersion };
};

describe.each(databaseKinds)('default version on $kind', ({ kind, skip }) => {
  let env: TestEnvironment;
  let service: RunningService;

  beforeAll(async () => {
    if (skip) return;
    env = await twoVersionEnvironment(kind);
    service = await env.start({ worker: false });
  });
  afterAll(async () => {
    await service?.stop();
    await env?.dispose();
  });

  it.skipIf(skip)(
    'is seeded from config.pbtxt, shown by GET /models/{name} and serves requests',
    async () => {
      const { request, servedVersion } = client(service);
      const detail = await body(await request(`/models/${model}`));
      expect(detail.default_version).toBe('1');
      expect(detail.default_changes).toMatchObject([
        { action: 'seeded', from_version: null, to_version: '1', api_key_id: null },
      ]);
      expect(await servedVersion()).toBe('1');
    },
  );

  it.skipIf(skip)(
    'refuses promotion without the admin key, of an unknown version, or of the current default',
    async () => {
      const { admin, defaultVersion } = client(service);
      const anonymous = await admin(`/models/${model}/promote`, { version: '2', reason: 'x' }, {});
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
      expect((await admin(`/models/${model}/promote`, { version: '9', reason: 'x' })).status).toBe(404);
      const current = await admin(`/models/${model}/promote`, { version: '1', reason: 'x' });
      expect(current.status).toBe(409);
      expect((await body(current)).code).toBe('CONFLICT');
      expect((await admin(`/models/${model}/promote`, { version: '2' })).status).toBe(400);
      expect((await admin(`/models/${model}/rollback`, { reason: 'x' }, {})).status).toBe(401);
      expect(await defaultVersion()).toBe('1');
    },
  );

  it.skipIf(skip)(
    'promotes, keeps the promotion across a restart, and rolls back to the previous default',
    async () => {
      let c = client(service);
      const promoted = await c.admin(`/models/${model}/promote`, {
        version: '2',
        reason: 'better on lot 42',
      });
      expect(promoted.status).toBe(200);
      expect(await body(promoted)).toMatchObject({
        model,
        action: 'promoted',
        from_version: '1',
        to_version: '2',
        reason: 'better on lot 42',
        api_key_id: 'env-admin',
      });
      expect(await c.servedVersion()).toBe('2');

      await service.stop();
      service = await env.start({ worker: false });
      c = client(service);
      expect(await c.defaultVersion()).toBe('2');
      expect(await c.servedVersion()).toBe('2');

      const rolledBack = await c.admin(`/models/${model}/rollback`, { reason: 'false alarms on lot 43' });
      expect(rolledBack.status).toBe(200);
      expect(await body(rolledBack)).toMatchObject({
        action: 'rolled_back',
        from_version: '2',
        to_version: '1',
      });
      expect(await c.servedVersion()).toBe('1');
      // Nothing earlier than the seed: a second rollback has nowhere to go.
      expect((await c.admin(`/models/${model}/rollback`, { reason: 'again' })).status).toBe(409);

      const history = (await body(await c.request(`/models/${model}`))).default_changes;
      expect(history.map((h: { action: string; to_version: string }) => [h.action, h.to_version])).toEqual([
        ['rolled_back', '1'],
        ['promoted', '2'],
        ['seeded', '1'],
      ]);
      // A version named in the request is served as asked, whatever the default.
      const named = await c.request('/inference/predict', {
        method: 'POST',
        body: form({ image: topLeftDefect(), reference: blank(), model, version: '2' }),
      });
      expect((await body(named)).model.version).toBe('2');
    },
  );
});

describe.each(databaseKinds.filter((d) => d.kind === 'postgres'))(
  'two replicas sharing one PostgreSQL database',
  ({ skip }) => {
    let env: TestEnvironment;
    let replicas: RunningService[] = [];

    beforeAll(async () => {
      if (skip) return;
      env = await twoVersionEnvironment('postgres');
      replicas = [await env.start({ worker: false }), await env.start({ worker: false })];
    });
    afterAll(async () => {
      for (const replica of replicas) await replica.stop();
      await env?.dispose();
    });

    it.skipIf(skip)(
      'apply a promotion and a rollback made on either one to the next request on both',
      async () => {
        const [a, b] = replicas.map(client) as [ReturnType<typeof client>, ReturnType<typeof client>];
        expect([await a.servedVersion(), await b.servedVersion()]).toEqual(['1', '1']);
        expect(
          (await a.admin(`/models/${model}/promote`, { version: '2', reason: 'canary passed' })).status,
        ).toBe(200);
        expect([await b.servedVersion(), await a.servedVersion()]).toEqual(['2', '2']);
        expect(await b.defaultVersion()).toBe('2');
        expect((await b.admin(`/models/${model}/rollback`, { reason: 'operator call' })).status).toBe(200);
        expect([await a.servedVersion(), await b.servedVersion()]).toEqual(['1', '1']);
        expect(await a.defaultVersion()).toBe('1');
      },
    );
  },
);
