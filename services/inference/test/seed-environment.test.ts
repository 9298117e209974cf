/**
 * The environment file of the service chipq replaces, unchanged: the service starts on it, uses
 * what it can (DATABASE_URL with a driver suffix, TRITON_MODEL_NAME as the default model,
 * OTEL_EXPORTER_OTLP_ENDPOINT for traces) and warns once at start-up for each variable that has
 * no effect, and for the seed's OTLP endpoint on the gRPC port 4317 when no protocol says grpc.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../src/observability/logger.js';
import type { RunningService } from '../src/start-service.js';
import { body, form } from './helpers/http.js';
import { blank } from './helpers/png.js';
import { hasPostgres, postgresUrl } from './helpers/test-databases.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/test-service.js';

/** The seed's variables (its own example DATABASE_URL form), as teams bring them. */
const seedEnv = {
  DATABASE_URL: postgresUrl.replace(/^postgres(ql)?:/, 'postgresql+asyncpg:'),
  TRITON_MODEL_NAME: 'diff_detector',
  TRITON_HTTP_URL: 'http://127.0.0.1:8000',
  REDIS_URL: 'redis://127.0.0.1:6379/0',
  KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:9092',
  LOG_LEVEL: 'INFO',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4317',
};

describe.skipIf(!hasPostgres)('the seed environment file', () => {
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
    env = await createTestEnvironment('postgres', ['diff_detector'], seedEnv);
    service = await env.start({ logger, defaultModel: undefined, worker: false });
  });
  afterAll(async () => {
    await service?.stop();
    await env?.dispose();
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
    for (const name of [
      'REDIS_URL',
      'KAFKA_BOOTSTRAP_SERVERS',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'TRITON_HTTP_URL',
    ])
      expect(named(name), name).toHaveLength(1);
    for (const name of ['DATABASE_URL', 'TRITON_MODEL_NAME', 'LOG_LEVEL'])
      expect(named(name), name).toEqual([]);
    expect(named('OTEL_EXPORTER_OTLP_ENDPOINT')[0]).toContain('OTEL_EXPORTER_OTLP_PROTOCOL=grpc');
  });
});
