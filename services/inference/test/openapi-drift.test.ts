/**
 * The committed openapi/openapi.json is the contract other services generate clients from: it
 * must be exactly what the running service serves. Regenerate with `pnpm openapi:write`.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../src/start-service.js';
import { body } from './helpers/http.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/test-service.js';

const committedFile = fileURLToPath(new URL('../../../openapi/openapi.json', import.meta.url));

describe('the OpenAPI document', () => {
  let env: TestEnvironment;
  let service: RunningService;
  beforeAll(async () => {
    env = await createTestEnvironment('pglite', []);
    service = await env.start({ worker: false });
  });
  afterAll(async () => {
    await service?.stop();
    await env?.dispose();
  });

  it('served at /openapi.json equals the committed openapi/openapi.json (run `pnpm openapi:write` after changing routes)', async () => {
    const served = await body(await service.app.request('/openapi.json'));
    const committed = JSON.parse(await readFile(committedFile, 'utf8'));
    expect(served).toEqual(committed);
  });

  it('is OpenAPI 3.1 with every documented path under /api/v1', async () => {
    const served = await body(await service.app.request('/openapi.json'));
    expect(served.openapi).toBe('3.1.0');
    expect(Object.keys(served.paths).sort()).toEqual([
      '/api/v1/experiments',
      '/api/v1/experiments/{id}',
      '/api/v1/experiments/{id}/stop',
      '/api/v1/inference',
      '/api/v1/inference/batch',
      '/api/v1/inference/batch/files',
      '/api/v1/inference/metrics/summary',
      '/api/v1/inference/predict',
      '/api/v1/inference/predict/base64',
      '/api/v1/inference/{id}',
      '/api/v1/inference/{id}/cancel',
      '/api/v1/inference/{id}/image',
      '/api/v1/inference/{id}/review',
      '/api/v1/inference/{id}/reviews',
      '/api/v1/keys',
      '/api/v1/keys/{id}/revoke',
      '/api/v1/lots',
      '/api/v1/lots/{lot_id}',
      '/api/v1/lots/{lot_id}/wafers/{wafer_id}',
      '/api/v1/lots/{lot_id}/wafers/{wafer_id}/klarf',
      '/api/v1/lots/{lot_id}/wafers/{wafer_id}/wafer-map.g85',
      '/api/v1/lots/{lot_id}/wafers/{wafer_id}/wafer-map.svg',
      '/api/v1/models',
      '/api/v1/models/deploy',
      '/api/v1/models/{name}',
      '/api/v1/models/{name}/load',
      '/api/v1/models/{name}/promote',
      '/api/v1/models/{name}/rollback',
      '/api/v1/models/{name}/status',
      '/api/v1/models/{name}/unload',
      '/api/v1/models/{name}/versions',
      '/api/v1/monitoring/health',
      '/api/v1/monitoring/models/{name}/anomalies',
      '/api/v1/monitoring/models/{name}/health',
      '/api/v1/monitoring/models/{name}/metrics',
      '/api/v1/reviews/quality',
      '/api/v1/reviews/queue',
    ]);
    // Every error response is a Problem.
    for (const operations of Object.values(served.paths) as Array<
      Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>
    >) {
      for (const operation of Object.values(operations)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) >= 400 && status !== '503')
            expect(Object.keys(response.content ?? {})).toEqual(['application/problem+json']);
        }
      }
    }
  });

  it('gives every operation an operationId, a 4xx answer and a security requirement (issues 10, 17)', async () => {
    const served = await body(await service.app.request('/openapi.json'));
    expect(served.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    const ids: string[] = [];
    for (const [path, operations] of Object.entries(served.paths) as Array<
      [string, Record<string, { operationId?: string; responses: object; security?: unknown[] }>]
    >) {
      for (const [method, operation] of Object.entries(operations)) {
        const where = `${method} ${path}`;
        // Digits allowed after the first letter: getWaferMapG85 names a standard.
        expect(operation.operationId, where).toMatch(/^[a-z][A-Za-z0-9]+$/);
        // One request media type per operation: client generators of other languages break on
        // two (openapi-python-client writes a predict module that fails to import).
        const requestBody = (operation as { requestBody?: { content: Record<string, unknown> } }).requestBody;
        if (requestBody) expect(Object.keys(requestBody.content), where).toHaveLength(1);
        ids.push(operation.operationId as string);
        expect(
          Object.keys(operation.responses).some((s) => s.startsWith('4')),
          where,
        ).toBe(true);
        // Health is for probes: no key. Everything else names the bearer scheme.
        if (path !== '/api/v1/monitoring/health')
          expect(operation.security, where).toContainEqual({ bearerAuth: expect.any(Array) });
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
    const management = ['deployModel', 'loadModel', 'unloadModel', 'listKeys', 'createKey', 'revokeKey'];
    for (const [, operations] of Object.entries(served.paths) as Array<
      [string, Record<string, { operationId: string; security: unknown[] }>]
    >)
      for (const operation of Object.values(operations))
        if (management.includes(operation.operationId))
          expect(operation.security).toEqual([{ bearerAuth: ['admin'] }]);
  });

  it('serves interactive docs at /docs', async () => {
    const response = await service.app.request('/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toContain('/openapi.json');
  });
});
