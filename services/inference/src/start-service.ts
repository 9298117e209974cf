/**
 * Starts everything the service needs, in order: the database (migrated), the inspector on
 * the configured engine, the services and the batch worker; and stops them in reverse. Used by
 * `main.ts`, the integration tests and the bench, so they all run the same wiring.
 */
import { createInspector, createTritonEngine, type Engine, type Inspector } from '@chipq/core';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { createApp } from './app.js';
import { type AppDeps, type AppServices, createAppServices } from './app-services.js';
import type { ServiceConfig } from './config/load-config.js';
import { type OpenedDatabase, openDatabase } from './db/open-database.js';
import type { AppEnv } from './http/app-env.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createServiceMetrics, type ServiceMetrics } from './observability/service-metrics.js';

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
  return createTritonEngine({ url: config.tritonServerUrl, defaultTimeoutMs: config.tritonTimeoutMs });
}

/** The one READY model, as the inspector picks its default; undefined when there are several or none. */
async function onlyReadyModel(inspector: Inspector): Promise<string | undefined> {
  const ready = new Set(
    (await inspector.engine.repositoryIndex()).filter((e) => e.state === 'READY').map((e) => e.name),
  );
  return ready.size === 1 ? [...ready][0] : undefined;
}

export async function startService(options: StartServiceOptions): Promise<RunningService> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const metrics = options.metrics ?? createServiceMetrics();
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    schema: options.databaseSchema,
    onPoolWait: (seconds) => metrics.dbPoolWait.observe(seconds),
  });
  let inspector = options.inspector;
  let engine: Engine | undefined;
  try {
    if (inspector === undefined) {
      engine = await createEngine(config);
      inspector = await createInspector({
        models: config.modelRepository,
        engine,
        defaultModel: options.defaultModel ?? config.defaultModel,
        confidenceThreshold: config.confidenceThreshold,
        defaultTimeoutMs: config.inferenceTimeoutMs,
        preprocess: {
          maxBytes: config.imageMaxBytes,
          ...(config.imageMaxPixels === undefined ? {} : { maxPixels: config.imageMaxPixels }),
          ...(config.imageTargetWidth !== undefined && config.imageTargetHeight !== undefined
            ? { targetSize: { width: config.imageTargetWidth, height: config.imageTargetHeight } }
            : {}),
        },
      });
    }
  } catch (error) {
    await engine?.close();
    await database.close();
    throw error;
  }
  const ownsInspector = options.inspector === undefined;
  const started = inspector;
  const services = createAppServices({
    db: database.db,
    databaseKind: database.kind,
    inspector,
    config,
    logger,
    metrics,
    worker: options.worker,
    defaultModel: options.defaultModel ?? config.defaultModel ?? (await onlyReadyModel(inspector)),
  });
  metrics.watch({ models: () => started.engine.repositoryIndex(), pool: database.poolStats });
  const app = createApp(services);
  services.worker?.start();
  return {
    app,
    services,
    database,
    inspector: started,
    async stop(stopOptions = {}) {
      await services.worker?.stop(stopOptions);
      if (ownsInspector) {
        await started.close();
        await engine?.close();
      }
      await database.close();
    },
  };
}
