/**
 * At most `limit` tasks at once, the others waiting in arrival order: the inspector bounds how
 * many image pairs are decoded at the same time with it, because every decode holds the full
 * pixels in memory (150 MB for a 50 MP colour image) and sharp's pool has only so many threads
 * anyway. A waiter whose signal aborts leaves the line without running.
 */
import { abortError } from '../abort.js';

export class ConcurrencyLimit {
  readonly #limit: number;
  readonly #waiters: Array<() => void> = [];
  #active = 0;

  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  /** Tasks running now. */
  get active(): number {
    return this.#active;
  }

  /** Tasks waiting for a slot. */
  get waiting(): number {
    return this.#waiters.length;
  }

  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw abortError(signal);
    if (this.#active >= this.#limit) await this.#slot(signal);
    else this.#active += 1;
    try {
      return await task();
    } finally {
      this.#release();
    }
  }

  /** Waits until a finishing task hands its slot over (the count stays the same). */
  #slot(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const index = this.#waiters.indexOf(grant);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(abortError(signal as AbortSignal));
      };
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(grant);
    });
  }

  #release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#active -= 1;
  }
}
