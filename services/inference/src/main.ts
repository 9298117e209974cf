/**
 * The service's entry point (`pnpm start` at the repository root): reads the configuration,
 * starts the database, engine and worker, serves HTTP, and shuts down gracefully on SIGTERM or
 * SIGINT: stop accepting connections, let in-flight requests and batch items finish for a
 * while, return the rest to the queue, then close the engine and the database.
 */
import { isChipqError } from '@chipq/core';
import { logAccessState } from './auth/log-access-state.js';
import { ConfigError, loadConfig } from './config/load-config.js';
import { listen } from './listen.js';
import { createLogger } from './observability/logger.js';
import { createServiceMetrics } from './observability/service-metrics.js';
import { startTelemetry } from './observability/telemetry.js';
import { shutdownDrainMs as drainMs } from './shutdown-drain.js';
import { startService } from './start-service.js';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`chipq inference service: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel, {
    service: 'chipq-inference',
    environment: config.environment,
  });
  logger.info('starting', {
    engine: config.engine,
    database: config.databaseUrl === undefined ? `pglite at ${config.dataDir}` : 'postgres',
    model_repository: config.modelRepository,
  });
  // Before anything creates spans: the SDK registers the global tracer provider.
  const telemetry = startTelemetry();
  logger.info(telemetry === undefined ? 'traces off (no OTEL_EXPORTER_OTLP_ENDPOINT)' : 'traces on (OTLP)');
  const service = await startService({
    config,
    logger,
    metrics: createServiceMetrics({ defaultMetrics: true }),
  });
  const listening = await listen(service.app.fetch, { port: config.port, hostname: config.host }).catch(
    async (error: unknown) => {
      // A port in use: close the database and engine we opened, then fail with the error.
      await service.stop({ drainMs: 0 }).catch(() => {});
      throw error;
    },
  );
  logger.info('listening', { url: listening.url, docs: `${listening.url}/docs` });
  await logAccessState(service.services.keys, config, logger);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    await listening.close(drainMs);
    await service.stop({ drainMs });
    await telemetry?.shutdown().catch((error: unknown) => logger.warn('could not flush traces', { error }));
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  // Our own errors say what to fix in one line; anything else gets its stack.
  const text = isChipqError(error)
    ? `${error.code}: ${error.message}`
    : ((error as Error).stack ?? String(error));
  process.stderr.write(`chipq inference service failed to start: ${text}\n`);
  process.exit(1);
});
