/**
 * OpenTelemetry spans around the service's stages through `@opentelemetry/api` only: with no
 * SDK registered they cost nothing; a deployment that registers one gets the spans, linked to
 * the caller's `traceparent` by the HTTP middleware.
 */
import { context, propagation, type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import type { MiddlewareHandler } from 'hono';
import { matchedRoute } from './matched-route.js';
import { currentRequestContext } from './request-context.js';

// Looked up at each use, not once at import: an SDK registered later (often through another copy
// of @opentelemetry/api, CJS beside ESM) never reaches a tracer taken before it.
const tracer = () => trace.getTracer('@chipq/inference-service');

/** Runs `fn` in a span named `name`; records a thrown error on the span and rethrows it. */
export async function withSpan<T>(
  name: string,
  attributes: Record<string, string | number | boolean>,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** One server span per request, continuing the caller's trace from its headers. */
export function tracingMiddleware(): MiddlewareHandler {
  return async (c, next) => {
    const carrier: Record<string, string> = {};
    c.req.raw.headers.forEach((value, key) => {
      carrier[key] = value;
    });
    const parent = propagation.extract(context.active(), carrier);
    await context.with(parent, () =>
      withSpan(
        `${c.req.method}`,
        { 'http.request.method': c.req.method, 'url.path': c.req.path },
        async (span) => {
          await next();
          // Named once routing has run: the route that answered, never `METHOD /*`.
          const route = matchedRoute(c);
          span.updateName(`${c.req.method} ${route}`);
          span.setAttributes({ 'http.route': route, 'http.response.status_code': c.res.status });
        },
      ),
    );
  };
}

/**
 * The W3C `traceparent` of the active span; without an SDK, the request's own (which continues
 * the caller's trace id), else `fallback`.
 */
export function currentTraceparent(fallback?: string): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ?? currentRequestContext()?.traceparent ?? fallback;
}
