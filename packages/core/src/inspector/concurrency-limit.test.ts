import { describe, expect, it } from 'vitest';
import { isChipqError } from '../errors.js';
import { ConcurrencyLimit } from './concurrency-limit.js';

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('ConcurrencyLimit', () => {
  it('runs at most `limit` tasks at once, the rest in arrival order', async () => {
    const limit = new ConcurrencyLimit(2);
    const started: number[] = [];
    const finish: Array<() => void> = [];
    const tasks = [0, 1, 2, 3].map((i) =>
      limit.run(
        () =>
          new Promise<number>((resolve) => {
            started.push(i);
            finish[i] = () => resolve(i);
          }),
      ),
    );
    await flush();
    expect(started).toEqual([0, 1]);
    expect(limit.waiting).toBe(2);
    finish[1]?.();
    await flush();
    expect(started).toEqual([0, 1, 2]);
    finish[0]?.();
    finish[2]?.();
    await flush();
    finish[3]?.();
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3]);
    expect(limit.active).toBe(0);
  });

  it('frees the slot when a task throws', async () => {
    const limit = new ConcurrencyLimit(1);
    await expect(limit.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limit.run(async () => 'next')).toBe('next');
  });

  it('a waiter whose signal aborts leaves the line without running', async () => {
    const limit = new ConcurrencyLimit(1);
    let release = () => {};
    const first = limit.run(() => new Promise<void>((resolve) => (release = resolve)));
    const controller = new AbortController();
    let ran = false;
    const second = limit.run(async () => {
      ran = true;
    }, controller.signal);
    controller.abort();
    const error = await second.catch((e: unknown) => e);
    expect(isChipqError(error) && error.code).toBe('CANCELLED');
    expect(limit.waiting).toBe(0);
    release();
    await first;
    expect(ran).toBe(false);
  });
});
