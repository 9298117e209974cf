import { describe, expect, it } from 'vitest';
import { RestartBudget } from './restart-budget.js';

describe('RestartBudget', () => {
  it('doubles the delay per failed attempt and gives up after maxAttempts', () => {
    const budget = new RestartBudget({ maxAttempts: 3, baseDelayMs: 100, now: () => 0 });
    expect([budget.nextDelayMs(), budget.nextDelayMs(), budget.nextDelayMs(), budget.nextDelayMs()]).toEqual([
      100,
      200,
      400,
      undefined,
    ]);
  });

  it('starts over after a success, within the per-window cap', () => {
    let now = 0;
    const budget = new RestartBudget({ maxPerWindow: 2, windowMs: 1000, now: () => now });
    expect(budget.nextDelayMs()).toBe(100);
    budget.succeeded();
    expect(budget.nextDelayMs()).toBe(100);
    budget.succeeded();
    expect(budget.nextDelayMs()).toBeUndefined();
    now = 1500;
    expect(budget.nextDelayMs()).toBe(100);
  });
});
