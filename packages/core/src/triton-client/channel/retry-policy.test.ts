import { describe, expect, it } from 'vitest';
import { backoffDelay, resolveRetryOptions, sleep } from './retry-policy.js';

describe('retry policy', () => {
  const options = resolveRetryOptions({ initialBackoffMs: 50, maxBackoffMs: 300 });

  it.each([
    [1, 50],
    [2, 100],
    [3, 200],
    [4, 300],
    [9, 300],
  ])('attempt %i waits at most %i ms', (attempt, ceiling) => {
    expect(backoffDelay(attempt, options, () => 0.999999)).toBe(ceiling - 1);
    expect(backoffDelay(attempt, options, () => 0)).toBe(0);
  });

  it('documents its defaults', () => {
    expect(resolveRetryOptions()).toEqual({ maxAttempts: 4, initialBackoffMs: 50, maxBackoffMs: 1000 });
  });

  it('sleep rejects at once when aborted', async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
