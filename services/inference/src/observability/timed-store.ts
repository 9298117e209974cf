/**
 * The `store` stage of one image: the database write of its result, as a span and as an
 * observation of `chipq_stage_duration_seconds{stage="store"}`, for predict and batch alike.
 */
import type { ServiceMetrics } from './service-metrics.js';
import { withSpan } from './tracing.js';

export function timedStore<T>(
  metrics: ServiceMetrics,
  model: string | undefined,
  attributes: Record<string, string | number | boolean>,
  write: () => Promise<T>,
): Promise<T> {
  return withSpan('store', attributes, async () => {
    const started = performance.now();
    try {
      return await write();
    } finally {
      metrics.observeStage('store', model ?? 'unknown', performance.now() - started);
    }
  });
}
