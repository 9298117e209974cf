/**
 * The dynamic batcher's decision, as a pure function of the queue and the time: send a batch of
 * the first `count` queued requests now, wait until a given time, or do nothing. It follows
 * Triton's dynamic batcher (docs: "Batchers > Dynamic Batcher") so a model behaves the same on
 * both engines:
 *
 * - requests join a batch in arrival order, up to `max_batch_size` batch elements, and only while
 *   their non-batch shapes equal the oldest request's (Triton batches variable-dim inputs only
 *   when shapes match);
 * - if some prefix of the queue adds up to a preferred batch size, the largest such prefix is
 *   sent at once;
 * - otherwise a batch that cannot grow any more (it is full, the next request does not fit, or it
 *   already exceeds every preferred size) is sent at once;
 * - otherwise the batcher waits until the oldest request has been queued for
 *   `max_queue_delay_microseconds`, then sends what it has (0 delay: send at once).
 *
 * Without dynamic batching (or with max_batch_size 0) every request is its own batch.
 */

export interface BatchPolicy {
  /** Largest batch in batch elements; 0 means the model does not batch. */
  maxBatchSize: number;
  /** False when the config has no `dynamic_batching`: each request runs alone. */
  dynamic: boolean;
  /** `preferred_batch_size`; sizes above maxBatchSize are ignored. */
  preferredBatchSizes: readonly number[];
  /** `max_queue_delay_microseconds` in milliseconds. */
  maxQueueDelayMs: number;
}

/** What the policy needs to know of a queued request. */
export interface QueuedRequest {
  /** Batch elements the request carries (its dim 0; 1 for non-batching models). */
  batchSize: number;
  /** Requests batch together only when their keys (their non-batch shapes) are equal. */
  shapeKey: string;
  /** Clock time the request entered the queue. */
  enqueuedAt: number;
}

export type BatchDecision =
  | { action: 'send'; count: number }
  | { action: 'wait'; until: number }
  | { action: 'idle' };

/** Decides what the batcher does with `queue` (oldest first) at time `now`. */
export function decideBatch(
  queue: readonly QueuedRequest[],
  policy: BatchPolicy,
  now: number,
): BatchDecision {
  const head = queue[0];
  if (head === undefined) return { action: 'idle' };
  if (!policy.dynamic || policy.maxBatchSize === 0) return { action: 'send', count: 1 };

  const preferred = new Set(policy.preferredBatchSizes.filter((size) => size <= policy.maxBatchSize));
  let count = 0;
  let total = 0;
  let preferredCount = 0;
  for (const request of queue) {
    if (request.shapeKey !== head.shapeKey || total + request.batchSize > policy.maxBatchSize) break;
    count += 1;
    total += request.batchSize;
    if (preferred.has(total)) preferredCount = count;
  }
  // A request larger than maxBatchSize is rejected before queueing; still never send 0 requests.
  if (count === 0) return { action: 'send', count: 1 };
  if (preferredCount > 0) return { action: 'send', count: preferredCount };

  const blocked = count < queue.length || total === policy.maxBatchSize;
  const beyondPreferred = preferred.size > 0 && total > Math.max(...preferred);
  if (blocked || beyondPreferred) return { action: 'send', count };

  const until = head.enqueuedAt + policy.maxQueueDelayMs;
  return now >= until ? { action: 'send', count } : { action: 'wait', until };
}
