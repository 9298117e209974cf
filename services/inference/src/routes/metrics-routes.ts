/** GET /inference/metrics/summary: what the database says about a time window. */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../http/app-env.js';
import { validationHook } from '../http/validation-hook.js';
import { MetricsSummarySchema, SummaryQuerySchema } from '../schemas/metrics-schemas.js';
import { problemResponses } from '../schemas/problem-schema.js';
import type { MetricsSummaryService } from '../services/metrics-summary-service.js';
import { secured } from './secured.js';

const summaryRoute = createRoute(
  secured('read', {
    method: 'get',
    path: '/inference/metrics/summary',
    operationId: 'metricsSummary',
    tags: ['inference'],
    summary: 'Metrics over a time window',
    description:
      'Per model/version over the window: request counts, throughput, p50/p95/p99 per stage (computed by PostgreSQL with percentile_cont ' +
      'over every stored inference, predict and batch alike), verdict and defect-class distributions.',
    request: { query: SummaryQuerySchema },
    responses: {
      200: { description: 'The summary.', content: { 'application/json': { schema: MetricsSummarySchema } } },
      ...problemResponses(400),
    },
  }),
);

export function metricsRoutes(deps: { summaries: MetricsSummaryService }): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(summaryRoute, async (c) => {
    const q = c.req.valid('query');
    const to = q.to === undefined ? new Date() : new Date(q.to);
    const from = q.from === undefined ? new Date(to.getTime() - q.window_minutes * 60_000) : new Date(q.from);
    return c.json(await deps.summaries.summary({ from, to }, { model: q.model, version: q.version }), 200);
  });
  return app;
}
