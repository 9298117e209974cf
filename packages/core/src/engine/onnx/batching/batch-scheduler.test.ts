import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../test/support/fake-clock.js';
import { ChipqError } from '../../../errors.js';
import type { BatchPolicy } from './batch-policy.js';
import { BatchScheduler, type Scheduled } from './batch-scheduler.js';

/** A scheduler over a fake clock whose batches finish only when the test says so. */
function setup(policy: Partial<BatchPolicy> = {}, instances = 1) {
  const clock = new FakeClock();
  const batches: Array<{
    payloads: string[];
    instance: number;
    finish: () => void;
    fail: (e: Error) => void;
  }> = [];
  const scheduler = new BatchScheduler<string, string>({
    policy: { maxBatchSize: 8, dynamic: true, preferredBatchSizes: [], maxQueueDelayMs: 0, ...policy },
    instances,
    clock,
    execute: (payloads, instance) =>
      new Promise((resolve, reject) => {
        batches.push({
          payloads,
          instance,
          finish: () => resolve(payloads.map((p) => `${p}!`)),
          fail: reject,
        });
      }),
  });
  const submit = (
    payload: string,
    options: { size?: number; key?: string; signal?: AbortSignal; deadline?: number } = {},
  ) => {
    const promise = scheduler.submit(payload, {
      batchSize: options.size ?? 1,
      shapeKey: options.key ?? 'a',
      signal: options.signal,
      deadline: options.deadline,
    });
    // Record how each request ends without leaving rejections unhandled.
    const outcome: { value?: Scheduled<string>; error?: unknown; done: boolean } = { done: false };
    promise.then(
      (value) => Object.assign(outcome, { value, done: true }),
      (error: unknown) => Object.assign(outcome, { error, done: true }),
    );
    return outcome;
  };
  /** Lets promise callbacks (dispatch, settle) run. */
  const flush = async () => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  return { clock, batches, scheduler, submit, flush };
}

const code = (error: unknown) => (error instanceof ChipqError ? error.code : String(error));

describe('BatchScheduler', () => {
  it('sends a preferred batch at once and the rest after the queue delay', async () => {
    const { clock, batches, submit, flush } = setup({ preferredBatchSizes: [4], maxQueueDelayMs: 50 }, 2);
    const outcomes = ['a', 'b', 'c', 'd', 'e', 'f'].map((p) => submit(p));
    await flush();
    expect(batches.map((b) => b.payloads)).toEqual([['a', 'b', 'c', 'd']]);
    clock.advance(49);
    await flush();
    expect(batches).toHaveLength(1);
    clock.advance(1);
    await flush();
    expect(batches.map((b) => [b.payloads, b.instance])).toEqual([
      [['a', 'b', 'c', 'd'], 0],
      [['e', 'f'], 1],
    ]);
    for (const batch of batches) batch.finish();
    await flush();
    expect(outcomes.map((o) => o.value?.result)).toEqual(['a!', 'b!', 'c!', 'd!', 'e!', 'f!']);
    expect(outcomes[4]?.value?.queueMs).toBe(50);
    expect(outcomes[0]?.value?.queueMs).toBe(0);
  });

  it('waits for a free instance and then batches everything that queued meanwhile', async () => {
    const { batches, submit, flush } = setup();
    submit('a');
    await flush();
    for (const p of ['b', 'c', 'd']) submit(p);
    await flush();
    expect(batches.map((b) => b.payloads)).toEqual([['a']]);
    batches[0]?.finish();
    await flush();
    expect(batches.map((b) => b.payloads)).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('runs each request alone without dynamic batching', async () => {
    const { batches, submit, flush } = setup({ dynamic: false }, 1);
    for (const p of ['a', 'b']) submit(p);
    await flush();
    batches[0]?.finish();
    await flush();
    expect(batches.map((b) => b.payloads)).toEqual([['a'], ['b']]);
  });

  it('does not batch requests with different shapes', async () => {
    const { batches, submit, flush } = setup({}, 2);
    submit('a', { key: 'x' });
    submit('b', { key: 'y' });
    await flush();
    expect(batches.map((b) => b.payloads)).toEqual([['a'], ['b']]);
  });

  it('removes an aborted request from the queue: it never runs', async () => {
    const { batches, submit, flush } = setup();
    submit('a');
    const controller = new AbortController();
    const b = submit('b', { signal: controller.signal });
    submit('c');
    controller.abort();
    await flush();
    expect(code(b.error)).toBe('CANCELLED');
    batches[0]?.finish();
    await flush();
    expect(batches.map((x) => x.payloads)).toEqual([['a'], ['c']]);
  });

  it('rejects an already aborted signal without queueing', async () => {
    const { batches, submit, flush } = setup();
    const a = submit('a', { signal: AbortSignal.abort() });
    await flush();
    expect(code(a.error)).toBe('CANCELLED');
    expect(batches).toHaveLength(0);
  });

  it('fails a request whose deadline passes in the queue, and it never runs', async () => {
    const { clock, batches, submit, flush } = setup();
    submit('a');
    const b = submit('b', { deadline: 10 });
    clock.advance(10);
    await flush();
    expect(code(b.error)).toBe('DEADLINE_EXCEEDED');
    batches[0]?.finish();
    await flush();
    expect(batches.map((x) => x.payloads)).toEqual([['a']]);
  });

  it('answers a running request on abort at once and drops its result', async () => {
    const { batches, submit, flush } = setup({ preferredBatchSizes: [2], maxQueueDelayMs: 50 });
    const controller = new AbortController();
    const a = submit('a', { signal: controller.signal });
    const b = submit('b');
    await flush();
    expect(batches.map((x) => x.payloads)).toEqual([['a', 'b']]);
    controller.abort();
    await flush();
    expect(code(a.error)).toBe('CANCELLED');
    expect(b.done).toBe(false);
    batches[0]?.finish();
    await flush();
    expect(b.value?.result).toBe('b!');
  });

  it('fails every request of a failed batch with the executor error', async () => {
    const { batches, submit, flush } = setup({ preferredBatchSizes: [2], maxQueueDelayMs: 50 });
    const outcomes = [submit('a'), submit('b')];
    await flush();
    batches[0]?.fail(new ChipqError('INFERENCE_FAILED', 'boom'));
    await flush();
    expect(outcomes.map((o) => code(o.error))).toEqual(['INFERENCE_FAILED', 'INFERENCE_FAILED']);
  });

  it('close fails queued requests and later submits; running batches finish; whenIdle waits for them', async () => {
    const { batches, scheduler, submit, flush } = setup({}, 1);
    const a = submit('a');
    await flush();
    const b = submit('b');
    scheduler.close(new ChipqError('ENGINE_UNAVAILABLE', 'closed'));
    const c = submit('c');
    let idle = false;
    void scheduler.whenIdle().then(() => {
      idle = true;
    });
    await flush();
    expect([code(b.error), code(c.error), idle]).toEqual(['ENGINE_UNAVAILABLE', 'ENGINE_UNAVAILABLE', false]);
    batches[0]?.finish();
    await flush();
    expect([a.value?.result, idle, batches.length]).toEqual(['a!', true, 1]);
  });

  it('leaves no timer armed once the queue is empty', async () => {
    const { clock, batches, submit, flush } = setup({ maxQueueDelayMs: 50 });
    const controller = new AbortController();
    submit('a', { signal: controller.signal, deadline: 1000 });
    expect(clock.pending).toBe(2);
    controller.abort();
    await flush();
    expect(clock.pending).toBe(0);
    expect(batches).toHaveLength(0);
  });
});
