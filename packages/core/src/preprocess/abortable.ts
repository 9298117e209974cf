/**
 * Lets a caller stop waiting for work that cannot itself be interrupted (a sharp pipeline runs
 * to the end on libuv's pool). The work finishes in the background; its result is dropped.
 */
import { abortError, throwIfAborted } from '../errors.js';

/** Resolves or rejects with `work`, or rejects with CANCELLED / DEADLINE_EXCEEDED on abort. */
export async function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  throwIfAborted(signal);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  // The dropped work may still fail later; that failure has no one to report to.
  work.catch(() => {});
  try {
    return await Promise.race([work, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
