/**
 * Counts requests in flight (the HPA's scaling signal) and times each one by method, matched
 * route and status. /metrics itself is left out so scrapes do not count as load.
 */
import type { MiddlewareHandler } from 'hono';
import { matchedRoute } from './matched-route.js';
import type { ServiceMetrics } from './service-metrics.js';

export function httpMetrics(metrics: ServiceMetrics): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.path === '/metrics') return next();
    const started = performance.now();
    metrics.httpInFlight.inc();
    try {
      await next();
    } finally {
      metrics.httpInFlight.dec();
      metrics.httpDuration.observe(
        { method: c.req.method, route: matchedRoute(c), status_code: String(c.res.status) },
        (performance.now() - started) / 1000,
      );
    }
  };
}
