/**
 * `createApp(services)`: the whole HTTP API as a Hono app, testable in process with
 * `app.request()`. Routes live under /api/v1, one file per area; errors leave through the
 * one `onError` as problem+json.
 */
import { ChipqError } from '@chipq/core';
import { OpenAPIHono } from '@hono/zod-openapi';
import { requestId } from 'hono/request-id';
import type { Store } from 'hono-rate-limiter';
import type { AppServices } from './app-services.js';
import { registerEventSchemas } from './events/event-catalog.js';
import { AccessError } from './http/access-error.js';
import { allowedMethods } from './http/allowed-methods.js';
import type { AppEnv } from './http/app-env.js';
import { authenticate } from './http/authenticate.js';
import { candidateGuard } from './http/candidate-guard.js';
import { createErrorHandler } from './http/error-handler.js';
import { rateLimit } from './http/rate-limit.js';
import { validationHook } from './http/validation-hook.js';
import { httpMetrics } from './observability/http-metrics.js';
import { requestLogging } from './observability/request-logging.js';
import { tracingMiddleware } from './observability/tracing.js';
import { openApiDocument } from './openapi/openapi-document.js';
import { batchRoutes } from './routes/batch-routes.js';
import { experimentRoutes } from './routes/experiment-routes.js';
import { inferenceListRoutes } from './routes/inference-list-routes.js';
import { inferenceRoutes } from './routes/inference-routes.js';
import { keyRoutes } from './routes/key-routes.js';
import { lotRoutes } from './routes/lot-routes.js';
import { metricsRoutes } from './routes/metrics-routes.js';
import { modelRoutes } from './routes/model-routes.js';
import { monitoringRoutes } from './routes/monitoring-routes.js';
import { resultImageRoutes } from './routes/result-image-routes.js';
import { reviewRoutes } from './routes/review-routes.js';
import { bearerScheme, bearerSchemeName } from './routes/secured.js';
import { mountSystemRoutes } from './routes/system-routes.js';

interface AppOptions {
  /** Where rate limits are counted (Redis, shared by replicas); default in memory. */
  rateLimitStore?: Store<AppEnv>;
}

export function createApp(services: AppServices, options: AppOptions = {}): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use(requestId());
  app.use(tracingMiddleware());
  app.use(requestLogging(services.logger));
  app.use(httpMetrics(services.metrics));
  app.onError(createErrorHandler(services.logger));
  let document: Record<string, unknown> | undefined;
  const servedDocument = () => (document ??= openApiDocument(app));
  app.notFound((c) => {
    const allow = allowedMethods(servedDocument(), c.req.path);
    if (allow.length > 0)
      throw new AccessError('METHOD_NOT_ALLOWED', `${c.req.path} does not take ${c.req.method}`, {
        allow: allow.join(', '),
        method: c.req.method,
      });
    throw new ChipqError('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`);
  });

  // A documented path asked with a method it does not take is a 405 even where a templated
  // route would take the path (GET /inference/batch is not GET /inference/{id}).
  app.use('/api/v1/*', async (c, next) => {
    const allow = allowedMethods(servedDocument(), c.req.path);
    const method = c.req.method === 'HEAD' ? 'GET' : c.req.method;
    if (allow.length > 0 && method !== 'OPTIONS' && !allow.includes(method))
      throw new AccessError('METHOD_NOT_ALLOWED', `${c.req.path} does not take ${c.req.method}`, {
        allow: allow.join(', '),
        method: c.req.method,
      });
    await next();
  });

  const api = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  // Who is asking, then how often: rate limits count per key, or per address without one.
  api.use(authenticate(services.keys, services.logger));
  if (services.config.rateLimitPerMinute > 0)
    api.use(
      rateLimit({
        limit: services.config.rateLimitPerMinute,
        windowMs: 60_000,
        store: options.rateLimitStore,
      }),
    );
  // Registered before /inference/{id} so "batch" and "metrics" are never taken for an id.
  const guard = candidateGuard(services.defaults, services.defaultModel);
  api.route(
    '/',
    batchRoutes({ batches: services.batches, maxBodyBytes: services.config.batchMaxBodyBytes, guard }),
  );
  api.route('/', metricsRoutes({ summaries: services.summaries }));
  api.route('/', inferenceListRoutes({ results: services.results }));
  api.route(
    '/',
    inferenceRoutes({
      predict: services.predict,
      guard,
      batches: services.batches,
      jobs: services.jobs,
      imageMaxBytes: services.config.imageMaxBytes,
    }),
  );
  api.route(
    '/',
    modelRoutes({
      catalog: services.catalog,
      defaults: services.defaults,
      deployer: services.deployer,
      maxModelBytes: services.config.modelUploadMaxBytes,
    }),
  );
  api.route('/', monitoringRoutes({ health: services.health, models: services.modelMonitoring }));
  api.route('/', experimentRoutes({ experiments: services.experiments }));
  api.route('/', keyRoutes({ keys: services.keys }));
  api.route('/', reviewRoutes(services.reviews));
  api.route('/', resultImageRoutes({ images: services.images }));
  api.route('/', lotRoutes({ lots: services.lots }));
  app.route('/api/v1', api);
  app.openAPIRegistry.registerComponent('securitySchemes', bearerSchemeName, bearerScheme);
  registerEventSchemas(app);

  mountSystemRoutes(app, { metrics: services.metrics, document: servedDocument });
  return app;
}
