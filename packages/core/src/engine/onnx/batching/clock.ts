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

/**
 * `performance.now()`, and timers exact below a millisecond: Node's timers count whole
 * milliseconds (a 500 µs batch window would stay open 1 ms or more), so the whole milliseconds
 * are waited on a timer and the last fraction on the event loop's check phase (`setImmediate`),
 * which lets I/O run in between. Triton holds `max_queue_delay_microseconds` to the microsecond;
 * so does this.
 */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer(callback, ms) {
    const due = performance.now() + Math.max(0, ms);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let immediate: ReturnType<typeof setImmediate> | undefined;
    // Not unref'd: a window is armed only while requests wait in the queue, and their callers
    // must not see the process exit under them (a script awaiting `infer` has nothing else).
    const wait = (left: number) => {
      if (left >= 1) timer = setTimeout(check, Math.floor(left));
      else immediate = setImmediate(check);
    };
    const check = () => {
      const left = due - performance.now();
      if (left <= 0) callback();
      else wait(left);
    };
    wait(Math.max(0, ms));
    return () => {
      clearTimeout(timer);
      if (immediate !== undefined) clearImmediate(immediate);
    };
  },
};
