/**
 * Triton's queue policy (`dynamic_batching.default_queue_policy`) in the embedded engine's
 * scheduler: a full queue rejects at once, a request that waits past its queue timeout is
 * rejected (REJECT) or moved behind the requests that have not timed out (DELAY), and a request
 * may shorten, never lengthen, the timeout when the policy allows it.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../test/support/fake-clock.js';
import { ChipqError } from '../../../errors.js';
import { BatchScheduler, type Scheduled } from './batch-scheduler.js';
import { type QueuePolicy, unlimitedQueuePolicy } from './queue-policy.js';

function setup(queuePolicy: Partial<QueuePolicy>, maxBatchSize = 1) {
  const clock = new FakeClock();
  const batches: Array<{ payloads: string[]; finish: () => void }> = [];
  const scheduler = new BatchScheduler<string, string>({
    policy: { maxBatchSize, dynamic: true, preferredBatchSizes: [], maxQueueDelayMs: 0 },
    queuePolicy: { ...unlimitedQueuePolicy, ...queuePolicy },
    instances: 1,
    clock,
    execute: (payloads) =>
      new Promise((resolve) => {
        batches.push({ payloads, finish: () => resolve(payloads.map((p) => `${p}!`)) });
      }),
  });
  const submit = (payload: string, timeoutMs?: number) => {
    const outcome: { value?: Scheduled<string>; error?: unknown; done: boolean } = { done: false };
    scheduler
      .submit(payload, { batchSize: 1, shapeKey: 'a', ...(timeoutMs === undefined ? {} : { timeoutMs }) })
      .then(
        (value) => Object.assign(outcome, { value, done: true }),
        (error: unknown) => Object.assign(outcome, { error, done: true }),
      );
    return outcome;
  };
  const flush = async () => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  /** Finishes the running batch and lets the next one start. */
  let finished = 0;
  const finishNext = async () => {
    await flush();
    batches[finished++]?.finish();
    await flush();
  };
  return { clock, batches, scheduler, submit, flush, finishNext };
}

const code = (error: unknown) => (error instanceof ChipqError ? error.code : String(error));

describe('BatchScheduler queue policy', () => {
  it('rejects at once with RESOURCE_EXHAUSTED when max_queue_size requests already wait', async () => {
    const { submit, flush, scheduler } = setup({ maxQueueSize: 2 });
    const running = submit('a'); // dispatched at once: not in the queue
    const waiting = [submit('b'), submit('c')];
    const refused = submit('d');
    await flush();
    expect(scheduler.queued).toBe(2);
    expect(refused.done).toBe(true);
    expect(code(refused.error)).toBe('RESOURCE_EXHAUSTED');
    expect((refused.error as ChipqError).details).toMatchObject({ max_queue_size: 2 });
    expect(running.done || waiting.some((o) => o.done)).toBe(false);
  });

  it('accepts again once the queue has room', async () => {
    const { submit, flush, finishNext } = setup({ maxQueueSize: 1 });
    submit('a');
    submit('b');
    const c = submit('c');
    await flush();
    expect(code(c.error)).toBe('RESOURCE_EXHAUSTED');
    await finishNext(); // a done, b runs: the queue is empty
    const d = submit('d');
    await flush();
    expect(d.error).toBeUndefined();
  });

  it('REJECT: a request queued past default_timeout_microseconds fails and never runs', async () => {
    const { clock, batches, submit, flush, finishNext } = setup({
      defaultTimeoutMs: 100,
      timeoutAction: 'REJECT',
    });
    submit('a');
    const b = submit('b');
    clock.advance(99);
    await flush();
    expect(b.done).toBe(false);
    clock.advance(1);
    await flush();
    expect(code(b.error)).toBe('RESOURCE_EXHAUSTED');
    await finishNext();
    expect(batches.flatMap((batch) => batch.payloads)).toEqual(['a']);
  });

  it('DELAY: a timed-out request still runs, but after the requests that have not timed out', async () => {
    const { clock, batches, submit, flush, finishNext } = setup({
      defaultTimeoutMs: 100,
      timeoutAction: 'DELAY',
    });
    submit('a');
    const b = submit('b');
    clock.advance(100); // b has timed out: delayed
    submit('c');
    await flush();
    await finishNext();
    await finishNext();
    await finishNext();
    expect(batches.map((batch) => batch.payloads)).toEqual([['a'], ['c'], ['b']]);
    expect(b.value?.result).toBe('b!');
  });

  it('allow_timeout_override: a request may shorten the timeout, never lengthen it', async () => {
    const { clock, submit, flush } = setup({ defaultTimeoutMs: 100, allowTimeoutOverride: true });
    submit('a');
    const shorter = submit('b', 10);
    const longer = submit('c', 1000);
    clock.advance(10);
    await flush();
    expect(code(shorter.error)).toBe('RESOURCE_EXHAUSTED');
    expect(longer.done).toBe(false);
    clock.advance(90);
    await flush();
    expect(code(longer.error)).toBe('RESOURCE_EXHAUSTED');
  });

  it('without allow_timeout_override a request timeout is ignored', async () => {
    const { clock, submit, flush } = setup({ defaultTimeoutMs: 100 });
    submit('a');
    const b = submit('b', 10);
    clock.advance(50);
    await flush();
    expect(b.done).toBe(false);
  });

  it('with no default timeout, an allowed request timeout applies', async () => {
    const { clock, submit, flush } = setup({ allowTimeoutOverride: true });
    submit('a');
    const b = submit('b', 10);
    clock.advance(10);
    await flush();
    expect(code(b.error)).toBe('RESOURCE_EXHAUSTED');
  });

  it('a running request is never timed out by the queue policy', async () => {
    const { clock, submit, flush, finishNext } = setup({ defaultTimeoutMs: 100 });
    const a = submit('a');
    clock.advance(500);
    await finishNext();
    expect(a.value?.result).toBe('a!');
    await flush();
  });
});
