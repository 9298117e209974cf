/**
 * Cancellation, one way everywhere (CONVENTIONS.md §7, as Kysely's `src/util/abort.ts`): the
 * error an aborted operation ends with, the check before starting, and how a caller stops
 * waiting for work that cannot itself be interrupted.
 */
import { ChipqError } from './errors.js';

/** The error an aborted operation throws: DEADLINE_EXCEEDED for timeouts, CANCELLED otherwise. */
export function abortError(signal: AbortSignal): ChipqError {
  const reason: unknown = signal.reason;
  if (reason instanceof ChipqError) return reason;
  const timedOut = reason instanceof DOMException && reason.name === 'TimeoutError';
  return timedOut
    ? new ChipqError('DEADLINE_EXCEEDED', 'the deadline passed before the operation finished', {
        cause: reason,
      })
    : new ChipqError('CANCELLED', 'the operation was cancelled', { cause: reason });
}

/** Throws the matching ChipqError when `signal` is already aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/**
 * `work`'s outcome, or the abort error of `signal` if it fires first. The work itself goes on
 * (a sharp pipeline, a shared fetch, an unload); a late failure of it has no one to report to.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
