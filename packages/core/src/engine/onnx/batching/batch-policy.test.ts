import { describe, expect, it } from 'vitest';
import { type BatchDecision, type BatchPolicy, decideBatch, type QueuedRequest } from './batch-policy.js';

const policy = (overrides: Partial<BatchPolicy> = {}): BatchPolicy => ({
  maxBatchSize: 8,
  dynamic: true,
  preferredBatchSizes: [],
  maxQueueDelayMs: 0,
  ...overrides,
});

/** `n` requests of `size` elements queued at `at`, all of shape `key`. */
const requests = (n: number, size = 1, at = 0, key = 'a'): QueuedRequest[] =>
  Array.from({ length: n }, () => ({ batchSize: size, shapeKey: key, enqueuedAt: at }));

const cases: Array<
  [string, { queue: QueuedRequest[]; policy: BatchPolicy; now?: number; want: BatchDecision }]
> = [
  ['empty queue: nothing to do', { queue: [], policy: policy(), want: { action: 'idle' } }],
  [
    'no dynamic batching: one request per batch',
    { queue: requests(5), policy: policy({ dynamic: false }), want: { action: 'send', count: 1 } },
  ],
  [
    'max_batch_size 0: one request per batch',
    { queue: requests(5), policy: policy({ maxBatchSize: 0 }), want: { action: 'send', count: 1 } },
  ],
  [
    'defaults (no preferred, no delay): everything up to max at once',
    { queue: requests(5), policy: policy(), want: { action: 'send', count: 5 } },
  ],
  [
    'defaults: never more than max_batch_size elements',
    { queue: requests(11), policy: policy(), want: { action: 'send', count: 8 } },
  ],
  [
    'counts elements, not requests',
    { queue: requests(5, 3), policy: policy(), want: { action: 'send', count: 2 } },
  ],
  [
    'no preferred, delay: waits for more',
    {
      queue: requests(3, 1, 10),
      policy: policy({ maxQueueDelayMs: 5 }),
      now: 12,
      want: { action: 'wait', until: 15 },
    },
  ],
  [
    'no preferred, delay: full batch goes at once',
    {
      queue: requests(8, 1, 10),
      policy: policy({ maxQueueDelayMs: 5 }),
      now: 10,
      want: { action: 'send', count: 8 },
    },
  ],
  [
    'no preferred, delay over: sends what it has',
    {
      queue: requests(3, 1, 10),
      policy: policy({ maxQueueDelayMs: 5 }),
      now: 15,
      want: { action: 'send', count: 3 },
    },
  ],
  [
    'preferred: largest preferred size formable goes at once',
    {
      queue: requests(7),
      policy: policy({ preferredBatchSizes: [2, 4], maxQueueDelayMs: 100 }),
      want: { action: 'send', count: 4 },
    },
  ],
  [
    'preferred: 7 queued with [4, 8] sends 4',
    {
      queue: requests(7),
      policy: policy({ preferredBatchSizes: [4, 8], maxQueueDelayMs: 100 }),
      want: { action: 'send', count: 4 },
    },
  ],
  [
    'preferred: 9 queued with [4, 8] sends 8',
    {
      queue: requests(9),
      policy: policy({ preferredBatchSizes: [4, 8], maxQueueDelayMs: 100 }),
      want: { action: 'send', count: 8 },
    },
  ],
  [
    'preferred not reached: waits from the oldest request',
    {
      queue: [...requests(1, 1, 0), ...requests(2, 1, 30)],
      policy: policy({ preferredBatchSizes: [4, 8], maxQueueDelayMs: 50 }),
      now: 40,
      want: { action: 'wait', until: 50 },
    },
  ],
  [
    'preferred not reached, delay over: sends all it has',
    {
      queue: requests(3),
      policy: policy({ preferredBatchSizes: [4, 8], maxQueueDelayMs: 50 }),
      now: 50,
      want: { action: 'send', count: 3 },
    },
  ],
  [
    'preferred with no delay: no preferred size formable sends all',
    {
      queue: requests(3),
      policy: policy({ preferredBatchSizes: [4, 8] }),
      want: { action: 'send', count: 3 },
    },
  ],
  [
    'preferred sizes above max are ignored',
    {
      queue: requests(8),
      policy: policy({ preferredBatchSizes: [16], maxQueueDelayMs: 50 }),
      want: { action: 'send', count: 8 },
    },
  ],
  [
    'past every preferred size: waiting cannot help',
    {
      queue: requests(2, 3),
      policy: policy({ preferredBatchSizes: [4], maxQueueDelayMs: 50 }),
      want: { action: 'send', count: 2 },
    },
  ],
  [
    'next request would overflow max: send now',
    { queue: requests(3, 3), policy: policy({ maxQueueDelayMs: 50 }), want: { action: 'send', count: 2 } },
  ],
  [
    'a different shape ends the batch and sends it now',
    {
      queue: [...requests(2, 1, 0, 'a'), ...requests(3, 1, 0, 'b')],
      policy: policy({ maxQueueDelayMs: 50 }),
      want: { action: 'send', count: 2 },
    },
  ],
  [
    'only the head shape counts for preferred sizes',
    {
      queue: [...requests(2, 1, 0, 'a'), ...requests(1, 1, 0, 'b'), ...requests(2, 1, 0, 'a')],
      policy: policy({ preferredBatchSizes: [4] }),
      want: { action: 'send', count: 2 },
    },
  ],
  [
    'a request bigger than max still runs alone',
    { queue: requests(1, 9), policy: policy(), want: { action: 'send', count: 1 } },
  ],
];

describe('decideBatch', () => {
  it.each(cases)('%s', (_name, { queue, policy, now = 0, want }) => {
    expect(decideBatch(queue, policy, now)).toEqual(want);
  });
});
