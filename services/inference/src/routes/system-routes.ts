/**
 * Endpoints outside /api/v1: Prometheus `/metrics`, the OpenAPI document at `/openapi.json`
 * and interactive docs at `/docs` (Scalar), which reads that document.
 */
import type { Hono } from 'hono';
import type { AppEnv } from '../http/app-env.js';
import type { ServiceMetrics } from '../observability/service-metrics.js';
import { mountApiDocs } from '../static/api-docs.js';

export function mountSystemRoutes(
  app: Hono<AppEnv>,
  deps: { metrics: ServiceMetrics; document: () => unknown },
): void {
  app.get('/metrics', async (c) => {
    const text = await deps.metrics.registry.metrics();
    return c.body(text, 200, { 'content-type': deps.metrics.registry.contentType });
  });
  app.get('/openapi.json', (c) => c.json(deps.document()));
  mountApiDocs(app, { documentUrl: '/openapi.json' });
  app.get('/', (c) => c.redirect('/docs'));
}
