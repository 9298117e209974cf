/**
 * Replicas share one rate limit through REDIS_URL: two service instances on one database and
 * one Redis, RATE_LIMIT=3 per minute. Three requests spread over both pass; the fourth, on
 * either instance, is 429 RATE_LIMITED. (Counted in memory per replica, both would let three
 * through each.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../src/start-service.js';
import { body } from './helpers/http.js';
import { hasRedisServer, type RedisServer, startRedisServer } from './helpers/redis-server.js';
import { hasPostgres } from './helpers/test-databases.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/test-service.js';

describe.skipIf(!hasPostgres || !hasRedisServer)('rate limits shared through Redis', () => {
  let redis: RedisServer;
  let env: TestEnvironment;
  let replicas: RunningService[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    env = await createTestEnvironment('postgres', ['diff_detector'], {
      RATE_LIMIT: '3',
      REDIS_URL: redis.url,
    });
    replicas = [await env.start({ worker: false }), await env.start({ worker: false })];
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.stop();
    await env?.dispose();
    await redis?.stop();
  });

  it('counts the requests of both replicas against one limit', async () => {
    const [a, b] = replicas as [RunningService, RunningService];
    const statuses: number[] = [];
    for (const replica of [a, b, a, b, a]) {
      statuses.push((await replica.app.request('/api/v1/models')).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const refused = await b.app.request('/api/v1/models');
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect((await body(refused)).code).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
