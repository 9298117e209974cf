/**
 * The environment file of the service chipq replaces, unchanged: the service starts on it, uses
 * what it can (DATABASE_URL with a driver suffix, TRITON_MODEL_NAME as the default model,
 * REDIS_URL for shared rate limits, OTEL_EXPORTER_OTLP_ENDPOINT for traces) and warns once at
 * start-up for each variable that has no effect, and for the seed's OTLP endpoint on the gRPC
 * port 4317 when no protocol says grpc. Its Redis is one of the test's own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../src/observability/logger.js';
import type { RunningService } from '../src/start-service.js';
import { body, form } from './helpers/http.js';
import { blank } from './helpers/png.js';
import { hasRedisServer, type RedisServer, startRedisServer } from './helpers/redis-server.js';
import { hasPostgres, postgresUrl } from './helpers/test-databases.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/test-service.js';

/** The seed's variables (its own example DATABASE_URL form), as teams bring them. */
const seedEnv = {
  DATABASE_URL: postgresUrl.replace(/^postgres(ql)?:/, 'postgresql+asyncpg:'),
  TRITON_MODEL_NAME: 'diff_detector',
  TRITON_HTTP_URL: 'http://127.0.0.1:8000',
  KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:9092',
  LOG_LEVEL: 'INFO',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4317',
};

describe.skipIf(!hasPostgres || !hasRedisServer)('the seed environment file', () => {
  let redis: RedisServer;
  let env: TestEnvironment;
  let service: RunningService;
  const warnings: string[] = [];
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (message) => void warnings.push(message),
    error: () => undefined,
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    env = await createTestEnvironment('postgres', ['diff_detector'], {
      ...seedEnv,
      REDIS_URL: `${redis.url}/0`,
    });
    service = await env.start({ logger, defaultModel: undefined, worker: false });
  });
  afterAll(async () => {
    await service?.stop();
    await env?.dispose();
    await redis?.stop();
  });

  it('starts on PostgreSQL from a postgresql+asyncpg:// URL', async () => {
    expect(env.config.databaseUrl).toBe(postgresUrl.replace(/^postgres(ql)?:/, 'postgresql:'));
    expect(service.database.kind).toBe('postgres');
    const health = await body(await service.app.request('/api/v1/monitoring/health'));
    expect(health.checks.database.status).toBe('ok');
  });

  it('uses TRITON_MODEL_NAME as the default model', async () => {
    expect(env.config.defaultModel).toBe('diff_detector');
    const response = await service.app.request('/api/v1/inference/predict', {
      method: 'POST',
      body: form({ image: blank(), reference: blank() }),
    });
    expect(response.status).toBe(200);
    expect((await body(response)).model.name).toBe('diff_detector');
  });

  it('warns once for each seed variable that has no effect, and for the OTLP/gRPC port without its protocol', () => {
    const named = (name: string) => warnings.filter((w) => w.startsWith(`${name} `));
    for (const name of ['KAFKA_BOOTSTRAP_SERVERS', 'TRITON_HTTP_URL'])
      expect(named(name), name).toHaveLength(1);
    // REDIS_URL holds the shared rate limits; OTEL_EXPORTER_OTLP_ENDPOINT turns the trace exporter
    // on, so its one warning is about the seed's gRPC port, never "no effect".
    for (const name of ['DATABASE_URL', 'TRITON_MODEL_NAME', 'LOG_LEVEL', 'REDIS_URL'])
      expect(named(name), name).toEqual([]);
    expect(named('OTEL_EXPORTER_OTLP_ENDPOINT')).toHaveLength(1);
    expect(named('OTEL_EXPORTER_OTLP_ENDPOINT')[0]).toContain('OTEL_EXPORTER_OTLP_PROTOCOL=grpc');
  });
});
