/**
 * Builds every service the routes use from the live dependencies (database, inspector,
 * configuration), wiring the batch worker to the same inspection runner as predict.
 */
import path from 'node:path';
import type { Inspector } from '@chipq/core';
import type { Kysely } from 'kysely';
import type { ServiceConfig } from './config/load-config.js';
import type { Database } from './db/database.js';
import type { DatabaseActivity } from './db/database-availability.js';
import { createEventOutbox } from './events/event-outbox.js';
import { createNatsJetStreamPublisher } from './events/nats/nats-jetstream-publisher.js';
import { OutboxRelay } from './events/outbox-relay.js';
import { createExperimentRouter } from './experiments/experiment-router.js';
import { createExperimentService } from './experiments/experiment-service.js';
import { ShadowRunner } from './experiments/shadow-runner.js';
import { createPixelScales } from './fab/pixel-scale.js';
import { createGoldenGate } from './golden/golden-gate.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createServiceMetrics, type ServiceMetrics } from './observability/service-metrics.js';
import { announceAnomalies } from './services/anomaly-events.js';
import { createApiKeyService } from './services/api-key-service.js';
import { createBatchService } from './services/batch-service.js';
import { BatchWorker, type BatchWorkerOptions } from './services/batch-worker.js';
import { createAnomalyMonitor } from './services/control-charts/anomaly-monitor.js';
import { createDefaultVersionService } from './services/default-version-service.js';
import { createHealthService } from './services/health-service.js';
import { createInferenceListService } from './services/inference-list-service.js';
import { createInspectionRunner } from './services/inspection-runner.js';
import { createJobService } from './services/job-service.js';
import { createLotService } from './services/lot-service.js';
import { createMetricsSummaryService } from './services/metrics-summary-service.js';
import { createModelCatalog } from './services/model-catalog.js';
import { createModelDeployer } from './services/model-deployer.js';
import { createModelMonitoringService } from './services/model-monitoring-service.js';
import { createPredictService } from './services/predict-service.js';
import { createResultImageService } from './services/result-image-service.js';
import { createReviewQualityService } from './services/review-quality-service.js';
import { createReviewQueueService } from './services/review-queue-service.js';
import { createReviewService } from './services/review-service.js';
import { BlobStore } from './storage/blob-store.js';
import { createImageKeeper } from './storage/image-keeper.js';

export interface AppDeps {
  db: Kysely<Database>;
  databaseKind: 'postgres' | 'pglite';
  /** The database's recent answers, for health (see health-service.ts). */
  databaseActivity?: DatabaseActivity | undefined;
  inspector: Inspector;
  config: ServiceConfig;
  /** Default: a logger at `config.logLevel`. */
  logger?: Logger;
  /** Default: a fresh registry (one per app). */
  metrics?: ServiceMetrics;
  /** Model for requests that name none (labels failures too). Default: `config.defaultModel`, else the inspector's. */
  defaultModel?: string | undefined;
  /** Worker settings beyond the config (tests: owner, poll interval). `false`: no worker in this app. */
  worker?: Partial<BatchWorkerOptions> | false;
}

export function createAppServices(deps: AppDeps) {
  const { db, inspector, config } = deps;
  const logger = deps.logger ?? createLogger(config.logLevel);
  const metrics = deps.metrics ?? createServiceMetrics();
  const blobs = new BlobStore(path.join(config.dataDir, 'blobs'));
  const imageStore = config.imageStoreDir === undefined ? undefined : new BlobStore(config.imageStoreDir);
  const keeper =
    imageStore === undefined
      ? undefined
      : createImageKeeper({ store: imageStore, maxBytes: config.imageStoreMaxBytes, logger });
  // Events only with a broker: without NATS_URL nothing is written to the outbox.
  const relay =
    config.natsUrl === undefined
      ? undefined
      : new OutboxRelay({
          db,
          logger,
          publisher: createNatsJetStreamPublisher({ servers: config.natsUrl, stream: config.natsStream }),
        });
  const events = createEventOutbox({ enabled: relay !== undefined, onEmit: () => relay?.notify() });
  const defaults = createDefaultVersionService({
    db,
    engine: inspector.engine,
    repository: config.modelRepository,
    events,
    gate: createGoldenGate({
      inspector,
      repository: config.modelRepository,
      confidenceThreshold: config.confidenceThreshold,
      timeoutMs: config.inferenceTimeoutMs,
    }),
  });
  const anomalies = createAnomalyMonitor({
    metrics,
    logger,
    charts: config.controlCharts,
    confidenceThreshold: config.confidenceThreshold,
  });
  announceAnomalies({ subscribe: anomalies.subscribe, events, db, logger });
  const run = createInspectionRunner({
    inspector,
    metrics,
    imageMaxBytes: config.imageMaxBytes,
    timeoutMs: config.inferenceTimeoutMs,
    confidenceThreshold: config.confidenceThreshold,
    defaultModel: deps.defaultModel ?? config.defaultModel,
    route: createExperimentRouter(db),
    anomalies,
  });
  const shadows = new ShadowRunner({
    db,
    inspector,
    logger,
    metrics,
    confidenceThreshold: config.confidenceThreshold,
    timeoutMs: config.inferenceTimeoutMs,
  });
  const worker =
    deps.worker === false
      ? undefined
      : new BatchWorker({
          db,
          blobs,
          run,
          logger,
          metrics,
          concurrency: config.batchConcurrency,
          leaseMs: config.batchLeaseMs,
          maxAttempts: config.batchMaxAttempts,
          shadows,
          ...(keeper === undefined ? {} : { keepImages: keeper.keep }),
          events,
          ...deps.worker,
        });
  const catalog = createModelCatalog({ inspector, db, defaults, repository: config.modelRepository });
  const batches = createBatchService({
    db,
    blobs,
    catalog,
    events,
    imageMaxBytes: config.imageMaxBytes,
    worker,
  });
  const summaries = createMetricsSummaryService(db);
  return {
    config,
    /** Model for requests that name none. */
    defaultModel: deps.defaultModel ?? config.defaultModel,
    logger,
    keys: createApiKeyService({ db, bootstrapAdminKey: config.adminKey }),
    metrics,
    worker,
    events,
    relay,
    catalog,
    defaults,
    shadows,
    experiments: createExperimentService({
      db,
      engine: inspector.engine,
      repository: config.modelRepository,
      defaults,
    }),
    batches,
    summaries,
    /** Control-chart signals: subscribe() to receive each one raised or cleared. */
    anomalies,
    predict: createPredictService({
      db,
      run,
      logger,
      metrics,
      keepImages: keeper?.keep,
      events,
      shadows,
    }),
    images: createResultImageService({ db, imageStore }),
    jobs: createJobService(db, batches),
    results: createInferenceListService(db),
    reviews: {
      reviews: createReviewService(db),
      queue: createReviewQueueService(db),
      quality: createReviewQualityService(db),
    },
    lots: createLotService({
      db,
      scales: createPixelScales({
        stationSizesUm: config.stationPixelSizesUm,
        repository: config.modelRepository,
      }),
    }),
    deployer: createModelDeployer({
      db,
      inspector,
      catalog,
      events,
      repository: config.modelRepository,
      defaults,
    }),
    health: createHealthService({
      db,
      databaseKind: deps.databaseKind,
      activity: deps.databaseActivity,
      inspector,
      environment: config.environment,
      tritonHttpUrl: config.engine === 'triton' ? config.tritonHttpUrl : undefined,
    }),
    modelMonitoring: createModelMonitoringService({ db, inspector, catalog, summaries, anomalies }),
  };
}

export type AppServices = ReturnType<typeof createAppServices>;
