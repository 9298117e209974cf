// Polls a batch until it reaches a final state, reporting progress on the way. Polling (not a
// stream) because that is what the API offers; each poll is an idempotent, retried GET.
import type { CallOptions } from './client-options.js';
import type { Batch, BatchProgress } from './types.js';

/** Batch states after which nothing changes any more. */
export const finalBatchStatuses: ReadonlySet<Batch['status']> = new Set([
  'completed',
  'failed',
  'cancelled',
  'timeout',
]);

export interface WaitForBatchOptions extends CallOptions {
  /** Called after every poll with the batch's counts (also the first and the last). */
  onProgress?: (progress: BatchProgress, batch: Batch) => void;
  /** Delay between polls in ms. Default 500. */
  pollIntervalMs?: number;
  /** Items per page of the returned batch (`limit`). Default: the service's default. */
  limit?: number;
}

/** The part of the client this helper needs, so it is testable on its own. */
export type GetBatch = (id: string, options: CallOptions & { limit?: number }) => Promise<Batch>;

/**
 * Resolves with the batch once its status is final (`completed`, `failed`, `cancelled` or
 * `timeout`); rejects with the signal's reason when `signal` aborts. `timeoutMs` bounds each
 * poll, not the whole wait: pass `AbortSignal.timeout(ms)` as `signal` for that.
 */
export async function waitForBatch(getBatch: GetBatch, id: string, options: WaitForBatchOptions = {}) {
  const interval = options.pollIntervalMs ?? 500;
  if (!Number.isFinite(interval) || interval < 0)
    throw new TypeError(`expected a number >= 0 for pollIntervalMs, got ${String(interval)}`);
  for (;;) {
    const batch = await getBatch(id, {
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      limit: options.limit,
    });
    options.onProgress?.(batch.progress, batch);
    if (finalBatchStatuses.has(batch.status)) return batch;
    await new Promise<void>((resolve, reject) => {
      const signal = options.signal;
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, interval);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
