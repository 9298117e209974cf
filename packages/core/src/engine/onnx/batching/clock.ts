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

/** `performance.now()` and `setTimeout`. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer(callback, ms) {
    // Not unref'd: a window is armed only while requests wait in the queue, and their callers
    // must not see the process exit under them (a script awaiting `infer` has nothing else).
    const handle = setTimeout(callback, Math.max(0, ms));
    return () => clearTimeout(handle);
  },
};
