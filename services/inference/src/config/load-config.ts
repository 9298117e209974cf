/**
 * The service's configuration, read once from environment variables and validated with zod.
 * Every bad variable is reported at once, each with the exact value it got, so a failed start
 * names everything to fix (CONVENTIONS.md §6).
 */
import path from 'node:path';
import { z } from 'zod';
import { tracesRequested } from '../observability/traces-requested.js';
import {
  type Parsed,
  parseByteSize,
  parseDurationMs,
  parseIntegerInRange,
  parseNumberInRange,
} from './env-values.js';
import { seedVariableWarnings, withoutDriverSuffix } from './seed-variables.js';

const logLevels = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof logLevels)[number];

/** The resolved configuration: every field required, paths absolute. */
export interface ServiceConfig {
  /** `PORT`, default 8080. */
  port: number;
  /** `HOST`, default `127.0.0.1` (this machine only); `0.0.0.0` to listen on every interface. */
  host: string;
  /**
   * `DATABASE_URL`; undefined means embedded PGlite under `dataDir`. A driver suffix
   * (`postgresql+asyncpg://`, the seed's form) is accepted and dropped.
   */
  databaseUrl: string | undefined;
  /** `DATA_DIR`, default `./.chipq/data`: PGlite files and queued batch images (`blobs/`). */
  dataDir: string;
  /**
   * `IMAGE_STORE_DIR`, optional: keep every predicted image (and reference) there by content
   * hash, so the console and GET /inference/{id}/image can show a result's picture later.
   */
  imageStoreDir: string | undefined;
  /** `IMAGE_STORE_MAX_SIZE` in bytes, default 20 GiB: beyond it the least recently stored images go first. */
  imageStoreMaxBytes: number;
  /** `ENGINE`, default `onnx` (embedded ONNX Runtime). */
  engine: 'onnx' | 'triton';
  /** `TRITON_SERVER_URL` (gRPC, `host:port`), required when `ENGINE=triton`. */
  tritonServerUrl: string | undefined;
  /** `TRITON_HTTP_URL` (`http://host:8000`): Triton's HTTP endpoint, checked by health when `ENGINE=triton`. */
  tritonHttpUrl: string | undefined;
  /**
   * `TRITON_TRANSPORT`: how inferences reach Triton, `http` (REST with binary tensors, the faster
   * here) or `grpc`. Default `http` when `TRITON_HTTP_URL` is set, else `grpc`; load, unload,
   * configs and statistics always use gRPC (`TRITON_SERVER_URL`).
   */
  tritonTransport: 'grpc' | 'http';
  /** `TRITON_TIMEOUT` in ms (plain numbers are seconds), default 30 s. */
  tritonTimeoutMs: number;
  /** `MODEL_REPOSITORY`, default `./models`, resolved against the working directory. */
  modelRepository: string;
  /** `IMAGE_MAX_SIZE` in bytes (`10MiB` accepted), default 10 MiB. */
  imageMaxBytes: number;
  /** `BATCH_MAX_BODY` in bytes, default 512 MiB: a batch is buffered in memory once before its files are written. */
  batchMaxBodyBytes: number;
  /** `MODEL_UPLOAD_MAX_SIZE` in bytes, default 2 GiB: the largest model deploy body. */
  modelUploadMaxBytes: number;
  /** `IMAGE_MAX_PIXELS`, default core's own limit. */
  imageMaxPixels: number | undefined;
  /** `IMAGE_TARGET_WIDTH` / `IMAGE_TARGET_HEIGHT`: used when a model has dynamic dims. */
  imageTargetWidth: number | undefined;
  imageTargetHeight: number | undefined;
  /** `DEFAULT_MODEL` (or the seed's `TRITON_MODEL_NAME`): used when a request names no model. Default: the only loaded model. */
  defaultModel: string | undefined;
  /** `MODEL_CONFIDENCE_THRESHOLD` in [0, 1], default 0.75. */
  confidenceThreshold: number;
  /** `INFERENCE_TIMEOUT` per image, default 30 s. */
  inferenceTimeoutMs: number;
  /** `DECODE_CONCURRENCY`: image pairs decoded at once (the rest wait), default twice the cores. */
  decodeConcurrency: number | undefined;
  /** `BATCH_CONCURRENCY`: batch items in flight per replica, default 8 (lets dynamic batching form batches). */
  batchConcurrency: number;
  /** `BATCH_LEASE`: how long a claimed batch item stays owned without a heartbeat, default 10 s. */
  batchLeaseMs: number;
  /** `BATCH_MAX_ATTEMPTS`: claims before an item whose worker keeps dying is failed, default 3. */
  batchMaxAttempts: number;
  /**
   * Control charts per model version (services/control-charts/): `ANOMALY_BASELINE_IMAGES`
   * (default 1000; keep it 20 subgroups or more so the centre line is sound) images learn the
   * baseline, `ANOMALY_SUBGROUP_SIZE` (default 50) images make one chart point, drift (PSI) is
   * over the last `ANOMALY_DRIFT_WINDOW` (default 500) images.
   */
  controlCharts: { baselineImages: number; subgroupSize: number; driftWindowImages: number };
  /** `LOG_LEVEL`, default `info`. */
  logLevel: LogLevel;
  /** `ENVIRONMENT`, default `development`. */
  environment: string;
  /** `CHIPQ_ADMIN_KEY`: a bootstrap admin API key (at least 32 characters); none by default. */
  adminKey: string | undefined;
  /** `RATE_LIMIT`: requests per minute per API key (or per client address without one), default 6000; 0 turns limits off. */
  rateLimitPerMinute: number;
  /**
   * `NATS_URL` (`nats://host:4222`, comma-separated for a cluster): publish events to NATS
   * JetStream through the outbox. Unset: events are off and the outbox stays empty.
   */
  natsUrl: string | undefined;
  /** `NATS_STREAM`, default `CHIPQ_EVENTS`: the JetStream stream for `chipq.>` (created when missing). */
  natsStream: string;
  /**
   * `STATION_PIXEL_SIZES`: micrometres per image pixel per station (`AOI-3=5.2,AOI-4=3.45`),
   * for KLARF positions; a station listed here wins over the model's `chipq.pixel_size_um`.
   */
  stationPixelSizesUm: Record<string, number>;
  /**
   * `REDIS_URL` (redis:// or rediss://): where replicas count rate limits together. Unset: each
   * replica counts in memory, so the effective limit is RATE_LIMIT times the replica count.
   */
  redisUrl: string | undefined;
  /** Seed variables that have no effect, one sentence each: logged as warnings at start-up. */
  startupWarnings: string[];
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** A zod field that runs one of our parsers and reports its message as the issue. */
function field<T>(parse: (text: string) => Parsed<T>) {
  return z
    .string()
    .optional()
    .transform((text, ctx): T | undefined => {
      if (text === undefined || text === '') return undefined;
      const parsed = parse(text);
      if (parsed.ok) return parsed.value;
      ctx.addIssue({ code: 'custom', message: parsed.message });
      return z.NEVER;
    });
}

function oneOf<const T extends readonly string[]>(values: T) {
  return field((text): Parsed<T[number]> => {
    const value = text.trim().toLowerCase();
    return values.includes(value)
      ? { ok: true, value: value as T[number] }
      : { ok: false, message: `expected one of ${values.join(', ')}, got ${JSON.stringify(text)}` };
  });
}

const text = field((value): Parsed<string> => ({ ok: true, value: value.trim() }));

const envSchema = z.object({
  PORT: field((t) => parseIntegerInRange(t, 1, 65_535)),
  HOST: text,
  DATABASE_URL: field(
    (t): Parsed<string> =>
      /^postgres(ql)?(\+[a-z0-9_]+)?:\/\/\S+$/i.test(t.trim())
        ? { ok: true, value: withoutDriverSuffix(t.trim()) }
        : {
            ok: false,
            message: `expected a postgres:// or postgresql:// URL (a driver suffix such as postgresql+asyncpg:// is accepted), got ${JSON.stringify(t)}`,
          },
  ),
  DATA_DIR: text,
  IMAGE_STORE_DIR: text,
  IMAGE_STORE_MAX_SIZE: field(parseByteSize),
  ENGINE: oneOf(['onnx', 'triton'] as const),
  TRITON_SERVER_URL: text,
  TRITON_HTTP_URL: field(
    (t): Parsed<string> =>
      /^https?:\/\/\S+$/.test(t.trim())
        ? { ok: true, value: t.trim().replace(/\/+$/, '') }
        : { ok: false, message: `expected an http:// or https:// URL, got ${JSON.stringify(t)}` },
  ),
  TRITON_TRANSPORT: oneOf(['grpc', 'http'] as const),
  TRITON_TIMEOUT: field(parseDurationMs),
  MODEL_REPOSITORY: text,
  DEFAULT_MODEL: text,
  TRITON_MODEL_NAME: text,
  IMAGE_MAX_SIZE: field(parseByteSize),
  BATCH_MAX_BODY: field(parseByteSize),
  MODEL_UPLOAD_MAX_SIZE: field(parseByteSize),
  IMAGE_MAX_PIXELS: field((t) => parseIntegerInRange(t, 1, 1_000_000_000)),
  IMAGE_TARGET_WIDTH: field((t) => parseIntegerInRange(t, 1, 16_384)),
  IMAGE_TARGET_HEIGHT: field((t) => parseIntegerInRange(t, 1, 16_384)),
  MODEL_CONFIDENCE_THRESHOLD: field((t) => parseNumberInRange(t, 0, 1)),
  INFERENCE_TIMEOUT: field(parseDurationMs),
  DECODE_CONCURRENCY: field((t) => parseIntegerInRange(t, 1, 1024)),
  BATCH_CONCURRENCY: field((t) => parseIntegerInRange(t, 1, 256)),
  BATCH_LEASE: field(parseDurationMs),
  BATCH_MAX_ATTEMPTS: field((t) => parseIntegerInRange(t, 1, 100)),
  ANOMALY_BASELINE_IMAGES: field((t) => parseIntegerInRange(t, 20, 1_000_000)),
  ANOMALY_SUBGROUP_SIZE: field((t) => parseIntegerInRange(t, 2, 10_000)),
  ANOMALY_DRIFT_WINDOW: field((t) => parseIntegerInRange(t, 10, 1_000_000)),
  LOG_LEVEL: oneOf(logLevels),
  ENVIRONMENT: text,
  CHIPQ_ADMIN_KEY: field(
    (t): Parsed<string> =>
      /^[\x21-\x7e]{32,512}$/.test(t)
        ? { ok: true, value: t }
        : {
            ok: false,
            // Never echo the value: it is a secret.
            message: `expected at least 32 printable characters without spaces (e.g. openssl rand -base64 32), got ${t.length}`,
          },
  ),
  RATE_LIMIT: field((t) => parseIntegerInRange(t, 0, 10_000_000)),
  NATS_URL: field(
    (t): Parsed<string> =>
      t
        .split(',')
        .every((url) => /^(nats|tls|wss?):\/\/\S+$/.test(url.trim()) || /^[\w.-]+:\d+$/.test(url.trim()))
        ? { ok: true, value: t.trim() }
        : {
            ok: false,
            message: `expected nats://host:port (comma-separated for a cluster), got ${JSON.stringify(t)}`,
          },
  ),
  NATS_STREAM: field(
    (t): Parsed<string> =>
      /^[A-Za-z0-9_-]{1,64}$/.test(t.trim())
        ? { ok: true, value: t.trim() }
        : {
            ok: false,
            message: `expected a stream name (letters, digits, _ and -), got ${JSON.stringify(t)}`,
          },
  ),
  STATION_PIXEL_SIZES: field(parseStationPixelSizes),
  REDIS_URL: field(
    (t): Parsed<string> =>
      /^rediss?:\/\/\S*$/i.test(t.trim())
        ? { ok: true, value: t.trim() }
        : // Never echo the value: it may hold a password.
          { ok: false, message: 'expected a redis:// or rediss:// URL' },
  ),
});

/** `AOI-3=5.2,AOI-4=3.45` -> `{ 'AOI-3': 5.2, 'AOI-4': 3.45 }`; every size a positive number of micrometres. */
function parseStationPixelSizes(text: string): Parsed<Record<string, number>> {
  const sizes: Record<string, number> = {};
  for (const entry of text.split(',')) {
    if (entry.trim() === '') continue;
    const at = entry.lastIndexOf('=');
    const station = entry.slice(0, Math.max(0, at)).trim();
    const size = Number(entry.slice(at + 1).trim());
    if (at < 1 || station === '' || !Number.isFinite(size) || size <= 0)
      return {
        ok: false,
        message: `expected station=micrometres-per-pixel pairs such as AOI-3=5.2, got ${JSON.stringify(entry.trim())}`,
      };
    sizes[station] = size;
  }
  return { ok: true, value: sizes };
}

/**
 * Reads the configuration from `env` (default `process.env`), resolving relative paths against
 * `cwd` (default `process.cwd()`: `pnpm start` runs at the repository root).
 * @throws ConfigError listing every invalid variable.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  cwd = process.cwd(),
): ServiceConfig {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = result.data;
  const engine = e.ENGINE ?? 'onnx';
  if (engine === 'triton' && e.TRITON_SERVER_URL === undefined) {
    throw new ConfigError(['TRITON_SERVER_URL: required when ENGINE=triton (e.g. localhost:8001)']);
  }
  const tritonTransport = e.TRITON_TRANSPORT ?? (e.TRITON_HTTP_URL === undefined ? 'grpc' : 'http');
  if (engine === 'triton' && tritonTransport === 'http' && e.TRITON_HTTP_URL === undefined) {
    throw new ConfigError(['TRITON_TRANSPORT: http needs TRITON_HTTP_URL (e.g. http://localhost:8000)']);
  }
  const defaultModel = e.DEFAULT_MODEL ?? e.TRITON_MODEL_NAME;
  return {
    port: e.PORT ?? 8080,
    host: e.HOST ?? '127.0.0.1',
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(cwd, e.DATA_DIR ?? '.chipq/data'),
    imageStoreDir: e.IMAGE_STORE_DIR === undefined ? undefined : path.resolve(cwd, e.IMAGE_STORE_DIR),
    imageStoreMaxBytes: e.IMAGE_STORE_MAX_SIZE ?? 20 * 1024 ** 3,
    engine,
    tritonServerUrl: e.TRITON_SERVER_URL,
    tritonHttpUrl: e.TRITON_HTTP_URL,
    tritonTransport,
    tritonTimeoutMs: e.TRITON_TIMEOUT ?? 30_000,
    modelRepository: path.resolve(cwd, e.MODEL_REPOSITORY ?? 'models'),
    imageMaxBytes: e.IMAGE_MAX_SIZE ?? 10 * 1024 * 1024,
    batchMaxBodyBytes: e.BATCH_MAX_BODY ?? 512 * 1024 * 1024,
    modelUploadMaxBytes: e.MODEL_UPLOAD_MAX_SIZE ?? 2 * 1024 * 1024 * 1024,
    imageMaxPixels: e.IMAGE_MAX_PIXELS,
    imageTargetWidth: e.IMAGE_TARGET_WIDTH,
    imageTargetHeight: e.IMAGE_TARGET_HEIGHT,
    defaultModel,
    confidenceThreshold: e.MODEL_CONFIDENCE_THRESHOLD ?? 0.75,
    inferenceTimeoutMs: e.INFERENCE_TIMEOUT ?? 30_000,
    decodeConcurrency: e.DECODE_CONCURRENCY,
    batchConcurrency: e.BATCH_CONCURRENCY ?? 8,
    batchLeaseMs: e.BATCH_LEASE ?? 10_000,
    batchMaxAttempts: e.BATCH_MAX_ATTEMPTS ?? 3,
    controlCharts: {
      baselineImages: e.ANOMALY_BASELINE_IMAGES ?? 1000,
      subgroupSize: e.ANOMALY_SUBGROUP_SIZE ?? 50,
      driftWindowImages: e.ANOMALY_DRIFT_WINDOW ?? 500,
    },
    logLevel: e.LOG_LEVEL ?? 'info',
    environment: e.ENVIRONMENT ?? 'development',
    adminKey: e.CHIPQ_ADMIN_KEY,
    rateLimitPerMinute: e.RATE_LIMIT ?? 6000,
    natsUrl: e.NATS_URL,
    natsStream: e.NATS_STREAM ?? 'CHIPQ_EVENTS',
    stationPixelSizesUm: e.STATION_PIXEL_SIZES ?? {},
    redisUrl: e.REDIS_URL,
    startupWarnings: seedVariableWarnings(env, {
      engine,
      defaultModel,
      rateLimitPerMinute: e.RATE_LIMIT ?? 6000,
      tracesOn: tracesRequested(env),
    }),
  };
}
