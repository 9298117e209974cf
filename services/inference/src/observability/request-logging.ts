/**
 * Runs each request inside its request context (ids for every log line written on its behalf)
 * and writes one access line when it is answered: method, matched route, status, duration.
 * A small middleware of our own instead of hono-pino: the context must reach log lines written
 * far from the route (services, worker callbacks), which hono-pino's per-context logger does not.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/app-env.js';
import type { Logger } from './logger.js';
import { matchedRoute } from './matched-route.js';
import { requestContextFor, runWithRequestContext } from './request-context.js';

export function requestLogging(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const context = requestContextFor(c.get('requestId'), c.req.header('traceparent'));
    await runWithRequestContext(context, async () => {
      const started = performance.now();
      await next();
      const status = c.res.status;
      // /metrics and probes are polled every few seconds: keep them out of the info stream.
      // A 5xx is at warn: the error handler already wrote its error line with the cause.
      const quiet = c.req.path === '/metrics' || c.req.path.endsWith('/monitoring/health');
      logger[status >= 500 ? 'warn' : quiet ? 'debug' : 'info']('request', {
        method: c.req.method,
        route: matchedRoute(c),
        path: c.req.path,
        status,
        duration_ms: Math.round((performance.now() - started) * 100) / 100,
        bytes_in: Number(c.req.header('content-length') ?? 0),
      });
    });
  };
}
