import { describe, expect, it } from 'vitest';
import { systemClock } from './clock.js';

describe('systemClock.setTimer', () => {
  it.each([0, 0.3, 0.5, 1.7])('calls back once, never before %s ms have passed', async (ms) => {
    const armed = systemClock.now();
    const firedAt = await new Promise<number>((resolve) =>
      systemClock.setTimer(() => resolve(systemClock.now()), ms),
    );
    expect(firedAt - armed).toBeGreaterThanOrEqual(ms);
  });

  it('does not call back once cancelled, in the sub-millisecond phase too', async () => {
    let calls = 0;
    const cancelSoon = systemClock.setTimer(() => calls++, 0.4);
    const cancelLater = systemClock.setTimer(() => calls++, 2.5);
    cancelSoon();
    await new Promise((resolve) => setTimeout(resolve, 1));
    cancelLater();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(calls).toBe(0);
  });
});
