/**
 * Endpoints outside /api/v1: Prometheus `/metrics`, the OpenAPI document at `/openapi.json`
 * interactive docs at `/docs` (Scalar), which reads that document, and the browser console at
 * `/` (last: it answers only paths nothing else did).
 */
import type { Hono } from 'hono';
import type { AppEnv } from '../http/app-env.js';
import type { ServiceMetrics } from '../observability/service-metrics.js';
import { mountApiDocs } from '../static/api-docs.js';
import { mountConsole } from '../static/console-app.js';

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
  mountConsole(app);
}
