/**
 * Starts everything the service needs, in order: the database (migrated), the inspector on
 * the configured engine, the services and the batch worker; and stops them in reverse. Used by
 * `main.ts`, the integration tests and the bench, so they all run the same wiring.
 */

import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInspector, createTritonEngine, type Engine, type Inspector } from '@chipq/core';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { createApp } from './app.js';
import { type AppDeps, type AppServices, createAppServices } from './app-services.js';
import type { ServiceConfig } from './config/load-config.js';
import { type OpenedDatabase, openDatabase } from './db/open-database.js';
import type { AppEnv } from './http/app-env.js';
import { openRedisRateLimitStore } from './http/redis-rate-limit-store.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createServiceMetrics, type ServiceMetrics } from './observability/service-metrics.js';
import { cleanStaging } from './services/clean-staging.js';

export interface StartServiceOptions {
  config: ServiceConfig;
  logger?: Logger;
  metrics?: ServiceMetrics;
  /** Use this inspector instead of creating one (it stays the caller's: not closed on stop). */
  inspector?: Inspector;
  /** Model used when a request names none. Default: the only loaded model. */
  defaultModel?: string;
  /** PostgreSQL schema (tests). Default `public`. */
  databaseSchema?: string;
  /** Staging entries younger than this survive start-up (another replica's deploy). Default 10 minutes. */
  stagingGraceMs?: number;
  /** Worker overrides, or `false` for an API-only replica. */
  worker?: AppDeps['worker'];
}

export interface RunningService {
  app: OpenAPIHono<AppEnv>;
  services: AppServices;
  database: OpenedDatabase;
  inspector: Inspector;
  /** Stops the worker (returning unfinished items to the queue), then the inspector and database. */
  stop(options?: { drainMs?: number }): Promise<void>;
}

async function createEngine(config: ServiceConfig): Promise<Engine | undefined> {
  if (config.engine !== 'triton') return undefined;
  return createTritonEngine({
    url: config.tritonServerUrl,
    defaultTimeoutMs: config.tritonTimeoutMs,
    inferTransport: config.tritonTransport,
    ...(config.tritonHttpUrl === undefined ? {} : { httpUrl: config.tritonHttpUrl }),
  });
}

/**
 * Starts the service. A failure at any step closes what the earlier steps opened (engine,
 * inspector, database), in reverse, before the error is rethrown: a failed start leaves no
 * connection, worker thread or timer behind to keep the process alive.
 */
export async function startService(options: StartServiceOptions): Promise<RunningService> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const metrics = options.metrics ?? createServiceMetrics();
  for (const warning of config.startupWarnings) logger.warn(warning);
  const opened: Array<() => Promise<unknown>> = [];
  try {
    await cleanStaging(config.modelRepository, logger, options.stagingGraceMs);
    // The database and the engine start at the same time: each takes most of start-up on its
    // own (PGlite in its worker thread, one onnxruntime session per instance in theirs).
    const inspectorSteps: Array<() => Promise<unknown>> = [];
    const startInspector = async (): Promise<Inspector> => {
      const engine = await createEngine(config);
      if (engine !== undefined) inspectorSteps.push(() => engine.close());
      const inspector = await createOwnInspector(config, engine, options.defaultModel);
      inspectorSteps.push(() => inspector.close());
      return inspector;
    };
    const [databaseStart, inspectorStart] = await Promise.allSettled([
      openDatabase({
        databaseUrl: config.databaseUrl,
        dataDir: config.dataDir,
        schema: options.databaseSchema,
        onPoolWait: (seconds) => metrics.dbPoolWait.observe(seconds),
      }),
      options.inspector ?? startInspector(),
    ]);
    // Closed in reverse on stop or failure: inspector, engine, then the database.
    if (databaseStart.status === 'fulfilled') opened.push(() => databaseStart.value.close());
    opened.push(...inspectorSteps);
    if (databaseStart.status === 'rejected') throw databaseStart.reason;
    if (inspectorStart.status === 'rejected') throw inspectorStart.reason;
    const database = databaseStart.value;
    const inspector = inspectorStart.value;
    await ensureWritableDir(path.join(config.dataDir, 'blobs'), 'DATA_DIR');
    const rateLimits =
      config.redisUrl !== undefined && config.rateLimitPerMinute > 0
        ? await openRedisRateLimitStore(config.redisUrl, logger)
        : undefined;
    if (rateLimits !== undefined) opened.push(() => rateLimits.close());
    const services = createAppServices({
      db: database.db,
      databaseKind: database.kind,
      databaseActivity: database.activity,
      inspector,
      config,
      logger,
      metrics,
      worker: options.worker,
      defaultModel: options.defaultModel ?? config.defaultModel ?? inspector.defaultModel,
    });
    const running = inspector.engine;
    metrics.watch({
      models: () => running.repositoryIndex(),
      pool: database.poolStats,
      engineQueue: () => running.queueDepths?.(),
    });
    const app = createApp(services, { rateLimitStore: rateLimits?.store });
    services.worker?.start();
    services.relay?.start();
    const close = [...opened].reverse();
    return {
      app,
      services,
      database,
      inspector,
      async stop(stopOptions = {}) {
        await services.worker?.stop(stopOptions);
        // Shadow runs use the inspector and the database: let the queued ones finish first.
        await services.shadows.stop();
        // After the worker: the events of its last items still go out.
        await services.relay?.stop();
        for (const step of close) await step();
      },
    };
  } catch (error) {
    for (const step of opened.reverse()) {
      await step().catch((closeError: unknown) =>
        logger.warn('could not close after a failed start', { error: closeError }),
      );
    }
    throw error;
  }
}

function createOwnInspector(
  config: ServiceConfig,
  engine: Engine | undefined,
  defaultModel: string | undefined,
): Promise<Inspector> {
  return createInspector({
    models: config.modelRepository,
    engine,
    defaultModel: defaultModel ?? config.defaultModel,
    confidenceThreshold: config.confidenceThreshold,
    defaultTimeoutMs: config.inferenceTimeoutMs,
    ...(config.decodeConcurrency === undefined ? {} : { maxConcurrentDecodes: config.decodeConcurrency }),
    preprocess: {
      maxBytes: config.imageMaxBytes,
      ...(config.imageMaxPixels === undefined ? {} : { maxPixels: config.imageMaxPixels }),
      ...(config.imageTargetWidth !== undefined && config.imageTargetHeight !== undefined
        ? { targetSize: { width: config.imageTargetWidth, height: config.imageTargetHeight } }
        : {}),
    },
  });
}

/** Creates `dir` and proves it writable now, rather than failing the first batch later. */
async function ensureWritableDir(dir: string, variable: string): Promise<void> {
  const probe = path.join(dir, `.write-test-${process.pid}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (error) {
    throw new Error(`${dir} (under ${variable}) is not a writable folder: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
