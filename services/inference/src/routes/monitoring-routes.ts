/** /monitoring: service health, and one model's health, metrics and anomalies. */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../http/app-env.js';
import { validationHook } from '../http/validation-hook.js';
import { NameParamsSchema } from '../schemas/common-schemas.js';
import {
  AnomalyQuerySchema,
  AnomalyReportSchema,
  HealthQuerySchema,
  HealthSchema,
  ModelHealthSchema,
  ModelMetricsSchema,
  WindowQuerySchema,
} from '../schemas/monitoring-schemas.js';
import { problemResponses } from '../schemas/problem-schema.js';
import type { HealthService } from '../services/health-service.js';
import type { ModelMonitoringService } from '../services/model-monitoring-service.js';
import { secured } from './secured.js';

const tags = ['monitoring'];
const json = <T>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const healthRoute = createRoute({
  method: 'get',
  path: '/monitoring/health',
  operationId: 'health',
  tags,
  summary: 'Liveness and readiness',
  description:
    'Checks the database (select 1), the engine and every model. 200 when ready, 503 (same body) when not; `probe=liveness` answers 200 whenever the process serves. ' +
    'Needs no API key (for probes).',
  request: { query: HealthQuerySchema },
  security: [],
  responses: {
    200: json(HealthSchema, 'Ready (or alive, for probe=liveness).'),
    503: json(HealthSchema, 'Not ready: see `checks`.'),
    ...problemResponses(400, 429),
  },
});

const modelHealthRoute = createRoute(
  secured('read', {
    method: 'get',
    path: '/monitoring/models/{name}/health',
    operationId: 'modelHealth',
    tags,
    summary: "A model's health",
    request: { params: NameParamsSchema, query: WindowQuerySchema },
    responses: {
      200: json(ModelHealthSchema, 'healthy or degraded.'),
      503: json(ModelHealthSchema, 'unhealthy: no version ready.'),
      ...problemResponses(400, 404),
    },
  }),
);

const modelMetricsRoute = createRoute(
  secured('read', {
    method: 'get',
    path: '/monitoring/models/{name}/metrics',
    operationId: 'modelMetrics',
    tags,
    summary: "A model's metrics",
    description:
      "The engine's statistics (counts, queue and compute time, batch sizes) and what the database holds for the window.",
    request: { params: NameParamsSchema, query: WindowQuerySchema },
    responses: { 200: json(ModelMetricsSchema, 'Metrics.'), ...problemResponses(400, 404) },
  }),
);

const anomaliesRoute = createRoute(
  secured('read', {
    method: 'get',
    path: '/monitoring/models/{name}/anomalies',
    operationId: 'anomalies',
    tags,
    summary: "A model's anomalies",
    description:
      'Latency, error-rate and defect-rate values of a recent window far from the baseline window just before it.',
    request: { params: NameParamsSchema, query: AnomalyQuerySchema },
    responses: {
      200: json(AnomalyReportSchema, 'Anomalies (possibly none) and every check made.'),
      ...problemResponses(400, 404),
    },
  }),
);

export function monitoringRoutes(deps: {
  health: HealthService;
  models: ModelMonitoringService;
}): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(healthRoute, async (c) => {
    const health = await deps.health.check();
    const ok = c.req.valid('query').probe === 'liveness' ? health.live : health.ready;
    return ok ? c.json(health, 200) : c.json(health, 503);
  });
  app.openapi(modelHealthRoute, async (c) => {
    const report = await deps.models.health(c.req.valid('param').name, c.req.valid('query').window_minutes);
    return report.ready ? c.json(report, 200) : c.json(report, 503);
  });
  app.openapi(modelMetricsRoute, async (c) =>
    c.json(await deps.models.metrics(c.req.valid('param').name, c.req.valid('query').window_minutes), 200),
  );
  app.openapi(anomaliesRoute, async (c) =>
    c.json(await deps.models.anomalies(c.req.valid('param').name, c.req.valid('query')), 200),
  );
  return app;
}
