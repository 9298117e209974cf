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

describe.skipIf(!hasPostgres || !hasRedisServer)('rate limits when Redis goes away', () => {
  let redis: RedisServer;
  let env: TestEnvironment;
  let replica: RunningService;
  const warnings: string[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    env = await createTestEnvironment('postgres', ['diff_detector'], {
      RATE_LIMIT: '1',
      REDIS_URL: redis.url,
    });
    const logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: (message: string) => void warnings.push(message),
      error: () => undefined,
    };
    replica = await env.start({ worker: false, logger });
  });
  afterAll(async () => {
    await replica?.stop();
    await env?.dispose();
    await redis?.stop();
  });

  it('lets requests through uncounted (never a 500), with one warning', async () => {
    expect((await replica.app.request('/api/v1/models')).status).toBe(200);
    expect((await replica.app.request('/api/v1/models')).status).toBe(429);
    await redis.stop();
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await replica.app.request('/api/v1/models')).status);
    expect(statuses).toEqual([200, 200, 200]);
    expect(warnings.filter((w) => w.startsWith('Redis is unreachable'))).toHaveLength(1);
  });
});
