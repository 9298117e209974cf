/**
 * The time source of the batch scheduler. The engine uses the system clock; unit tests use a fake
 * one they advance by hand, so batching decisions are checked without real waiting.
 */

export interface Clock {
  /** Milliseconds on a monotonic scale (only differences matter). */
  now(): number;
  /** Calls `callback` once after `ms` milliseconds; returns a function that cancels the call. */
  setTimer(callback: () => void, ms: number): () => void;
}

/** `performance.now()` and `setTimeout`; timers do not keep the process alive. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer(callback, ms) {
    const handle = setTimeout(callback, Math.max(0, ms));
    // An idle engine must not hold the process open just because a batch window is armed.
    handle.unref();
    return () => clearTimeout(handle);
  },
};
