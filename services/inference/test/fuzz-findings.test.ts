/**
 * What schemathesis found against the running service (issue 10 item 6, scripts/fuzz/run.sh),
 * each pinned here so it stays fixed without the fuzzer: a known path asked with an undeclared
 * method is 405 with Allow (was 404); `from == to` is an empty window, not an error (was 400);
 * the documented base64 example is base64 of a real image (was "iVBORw0KGgo..."); the 400 of
 * `/monitoring/health?probe=...` is documented; a deploy of a new model without its config is a
 * 422 about the model (was 400 on a schema-valid body).
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../src/start-service.js';
import { body, form } from './helpers/http.js';
import { adminHeaders, createTestEnvironment, type TestEnvironment } from './helpers/test-service.js';

const document = JSON.parse(
  await readFile(new URL('../../../openapi/openapi.json', import.meta.url), 'utf8'),
);

describe('fuzz findings', () => {
  let env: TestEnvironment;
  let service: RunningService;
  let server: ServerType;
  const request = (path: string, init?: RequestInit) => service.app.request(`/api/v1${path}`, init);
  /** Over a real socket: fetch's Request refuses TRACE, which is what fuzzers send. */
  const raw = (method: string, path: string) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const { port } = server.address() as AddressInfo;
      const call = http.request(
        { host: '127.0.0.1', port, method, path: `/api/v1${path}`, headers: adminHeaders },
        (res) => {
          let text = '';
          res.on('data', (chunk) => {
            text += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        },
      );
      call.on('error', reject);
      call.end();
    });

  beforeAll(async () => {
    env = await createTestEnvironment('pglite', ['diff_detector']);
    service = await env.start({ worker: false });
    server = serve({ fetch: service.app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await service?.stop();
    await env?.dispose();
  });

  it.each([
    ['TRACE', '/monitoring/health', 'GET'],
    ['TRACE', '/inference/predict', 'POST'],
    ['DELETE', '/inference/predict', 'POST'],
    ['PUT', '/models', 'GET'],
    // A concrete path wins over a templated one that would take it (/inference/{id}).
    ['GET', '/inference/batch', 'POST'],
    ['GET', '/inference/predict', 'POST'],
    ['TRACE', '/inference/0f8c4e1a-3b7d-4c2e-9a51-6d0e2f7b8c90', 'GET'],
  ])('answers %s %s with 405 and Allow: %s', async (method, path, allow) => {
    const response = await raw(method, path);
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe(allow);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(JSON.parse(response.body).code).toBe('METHOD_NOT_ALLOWED');
  });

  it('still answers an unknown path with 404', async () => {
    expect((await raw('TRACE', '/no-such-thing')).status).toBe(404);
  });

  it.each(['/inference', '/inference/metrics/summary'])(
    'takes from == to on %s as an empty window',
    async (path) => {
      const instant = encodeURIComponent('2026-01-01T00:00:00Z');
      const response = await request(`${path}?from=${instant}&to=${instant}`);
      expect(response.status, JSON.stringify(await response.clone().json())).toBe(200);
    },
  );

  it('documents the 400 of a bad health probe, and answers it', async () => {
    expect(Object.keys(document.paths['/api/v1/monitoring/health'].get.responses)).toContain('400');
    const response = await request('/monitoring/health?probe=sideways');
    expect(response.status).toBe(400);
  });

  it('documents base64 examples that are base64 of a real image', () => {
    const examples: string[] = [];
    const walk = (node: unknown) => {
      if (node === null || typeof node !== 'object') return;
      const schema = node as Record<string, unknown>;
      if (
        schema.format === 'base64' ||
        (typeof schema.pattern === 'string' && schema.pattern.includes('A-Za-z0-9+/'))
      )
        if (typeof schema.example === 'string') examples.push(schema.example);
      for (const value of Object.values(schema)) walk(value);
    };
    walk(document);
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) {
      expect(example).toMatch(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);
      expect(Buffer.from(example, 'base64').subarray(1, 4).toString('latin1')).toBe('PNG');
    }
  });

  it('answers a deploy of a new model without config with 422 MODEL_CONFIG_INVALID', async () => {
    const response = await request('/models/deploy', {
      method: 'POST',
      headers: adminHeaders,
      body: form({ name: 'brand_new', model: new Uint8Array([1, 2, 3]) }),
    });
    const problem = await body(response);
    expect(response.status, JSON.stringify(problem)).toBe(422);
    expect(problem.code).toBe('MODEL_CONFIG_INVALID');
  });
});
