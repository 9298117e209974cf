import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load-config.js';

describe('loadConfig', () => {
  it('gives the embedded defaults with an empty environment', () => {
    const config = loadConfig({}, '/repo');
    expect(config).toMatchObject({
      port: 8080,
      // Issue 10: the quick start is reachable from this machine only unless HOST says otherwise.
      host: '127.0.0.1',
      adminKey: undefined,
      rateLimitPerMinute: 6000,
      databaseUrl: undefined,
      dataDir: path.resolve('/repo/.chipq/data'),
      engine: 'onnx',
      modelRepository: path.resolve('/repo/models'),
      imageMaxBytes: 10 * 1024 * 1024,
      confidenceThreshold: 0.75,
      logLevel: 'info',
      environment: 'development',
    });
  });

  const cases: Array<[string, { given: Record<string, string>; want: Record<string, unknown> }]> = [
    ['port', { given: { PORT: '9090' }, want: { port: 9090 } }],
    ['decode concurrency', { given: { DECODE_CONCURRENCY: '3' }, want: { decodeConcurrency: 3 } }],
    ['grpc without an HTTP url', { given: {}, want: { tritonTransport: 'grpc' } }],
    [
      'http by default with an HTTP url',
      {
        given: { TRITON_HTTP_URL: 'http://t:8000' },
        want: { tritonTransport: 'http', tritonHttpUrl: 'http://t:8000' },
      },
    ],
    [
      'grpc when asked',
      {
        given: { TRITON_HTTP_URL: 'http://t:8000', TRITON_TRANSPORT: 'grpc' },
        want: { tritonTransport: 'grpc' },
      },
    ],
    ['size with unit', { given: { IMAGE_MAX_SIZE: '5MiB' }, want: { imageMaxBytes: 5 * 1024 * 1024 } }],
    ['plain size', { given: { IMAGE_MAX_SIZE: '1000' }, want: { imageMaxBytes: 1000 } }],
    ['timeout in seconds', { given: { TRITON_TIMEOUT: '30' }, want: { tritonTimeoutMs: 30_000 } }],
    ['timeout in ms', { given: { TRITON_TIMEOUT: '250ms' }, want: { tritonTimeoutMs: 250 } }],
    [
      'triton',
      { given: { ENGINE: 'TRITON', TRITON_SERVER_URL: 'localhost:8001' }, want: { engine: 'triton' } },
    ],
    [
      'absolute repository',
      { given: { MODEL_REPOSITORY: '/srv/models' }, want: { modelRepository: '/srv/models' } },
    ],
    [
      'database url',
      { given: { DATABASE_URL: 'postgres://u@h/db' }, want: { databaseUrl: 'postgres://u@h/db' } },
    ],
    ['threshold', { given: { MODEL_CONFIDENCE_THRESHOLD: '0.5' }, want: { confidenceThreshold: 0.5 } }],
    [
      "the seed's driver suffix",
      {
        given: { DATABASE_URL: 'postgresql+asyncpg://u@h/db' },
        want: { databaseUrl: 'postgresql://u@h/db' },
      },
    ],
    [
      "the seed's model name",
      { given: { TRITON_MODEL_NAME: 'm' }, want: { defaultModel: 'm', startupWarnings: [] } },
    ],
    [
      'DEFAULT_MODEL over the seed name, with a warning',
      {
        given: { DEFAULT_MODEL: 'a', TRITON_MODEL_NAME: 'b' },
        want: {
          defaultModel: 'a',
          startupWarnings: [expect.stringContaining('TRITON_MODEL_NAME=b has no effect')],
        },
      },
    ],
    [
      'TRITON_HTTP_URL with Triton',
      {
        given: { ENGINE: 'triton', TRITON_SERVER_URL: 'h:8001', TRITON_HTTP_URL: 'http://h:8000/' },
        want: { tritonHttpUrl: 'http://h:8000', startupWarnings: [] },
      },
    ],

    [
      'batch body limit',
      { given: { BATCH_MAX_BODY: '64MiB' }, want: { batchMaxBodyBytes: 64 * 1024 * 1024 } },
    ],
    [
      'model upload limit',
      { given: { MODEL_UPLOAD_MAX_SIZE: '1GiB' }, want: { modelUploadMaxBytes: 1024 * 1024 * 1024 } },
    ],
    ['every interface', { given: { HOST: '0.0.0.0' }, want: { host: '0.0.0.0' } }],
    ['rate limit off', { given: { RATE_LIMIT: '0' }, want: { rateLimitPerMinute: 0 } }],
    [
      'REDIS_URL for the shared rate limits',
      {
        given: { REDIS_URL: 'redis://h:6379/0' },
        want: { redisUrl: 'redis://h:6379/0', startupWarnings: [] },
      },
    ],
    [
      'REDIS_URL with rate limits off, with a warning',
      {
        given: { REDIS_URL: 'redis://h:6379', RATE_LIMIT: '0' },
        want: { startupWarnings: [expect.stringContaining('REDIS_URL is set but has no effect')] },
      },
    ],
    [
      'OTEL_EXPORTER_OTLP_ENDPOINT, which turns traces on',
      { given: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://h:4318' }, want: { startupWarnings: [] } },
    ],
    [
      'OTEL_EXPORTER_OTLP_ENDPOINT with the SDK disabled, with a warning',
      {
        given: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://h:4318', OTEL_SDK_DISABLED: 'true' },
        want: {
          startupWarnings: [expect.stringContaining('OTEL_EXPORTER_OTLP_ENDPOINT is set but has no effect')],
        },
      },
    ],
    [
      'bootstrap admin key',
      { given: { CHIPQ_ADMIN_KEY: 'k'.repeat(32) }, want: { adminKey: 'k'.repeat(32) } },
    ],
  ];

  it('refuses a REDIS_URL that is not one, without echoing it (it may hold a password)', () => {
    expect(() => loadConfig({ REDIS_URL: 'http://user:s3cret@h' })).toThrow(/REDIS_URL: expected a redis:/);
    expect(() => loadConfig({ REDIS_URL: 'http://user:s3cret@h' })).not.toThrow(/s3cret/);
  });
  it('refuses a short CHIPQ_ADMIN_KEY without echoing it', () => {
    expect(() => loadConfig({ CHIPQ_ADMIN_KEY: 'hunter2' })).toThrow(/CHIPQ_ADMIN_KEY: expected at least 32/);
    expect(() => loadConfig({ CHIPQ_ADMIN_KEY: 'hunter2' })).not.toThrow(/hunter2/);
  });
  it.each(cases)('reads %s', (_name, { given, want }) => {
    expect(loadConfig(given, '/repo')).toMatchObject(want);
  });

  it('lists every invalid variable with the value it got', () => {
    const error = (() => {
      try {
        loadConfig({
          PORT: 'abc',
          ENGINE: 'tensorrt',
          MODEL_CONFIDENCE_THRESHOLD: '1.5',
          DATABASE_URL: 'mysql://x',
        });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'PORT: expected an integer between 1 and 65535, got "abc"',
      'DATABASE_URL: expected a postgres:// or postgresql:// URL (a driver suffix such as postgresql+asyncpg:// is accepted), got "mysql://x"',
      'ENGINE: expected one of onnx, triton, got "tensorrt"',
      'MODEL_CONFIDENCE_THRESHOLD: expected a number between 0 and 1, got "1.5"',
    ]);
  });

  it('requires TRITON_SERVER_URL with ENGINE=triton', () => {
    expect(() => loadConfig({ ENGINE: 'triton' })).toThrow('TRITON_SERVER_URL: required when ENGINE=triton');
  });

  it('refuses TRITON_TRANSPORT=http without TRITON_HTTP_URL on Triton', () => {
    expect(() =>
      loadConfig({ ENGINE: 'triton', TRITON_SERVER_URL: 't:8001', TRITON_TRANSPORT: 'http' }),
    ).toThrow('TRITON_TRANSPORT: http needs TRITON_HTTP_URL');
  });
});
