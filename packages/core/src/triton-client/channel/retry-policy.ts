/**
 * When and how long to wait before trying a Triton call again.
 *
 * A call is retried only when the request cannot have had an effect on the server:
 * - the channel could not connect before the connect timeout (nothing was sent), for every RPC;
 * - an idempotent read (health, metadata, config, statistics, index) failed with UNAVAILABLE
 *   before any response header arrived: the server may or may not have seen it, and for a read
 *   that is harmless.
 * ModelInfer and the repository/shared-memory writes are sent at most once: after the channel is
 * connected, their failure is final.
 *
 * Delays grow exponentially with full jitter (AWS's "exponential backoff and jitter"), so many
 * clients that lost the same server do not reconnect in lockstep, and never outlive the deadline.
 *
 * Not grpc-js's retryPolicy (service config): its retries happen inside one call, out of sight
 * of the circuit breaker (which counts every failed attempt) and of the connect wait, which has
 * its own timeout so that "cannot connect" (ENGINE_UNAVAILABLE) is told apart from the call's
 * deadline. Nor cockatiel (see circuit-breaker.ts). One loop in channel.ts applies both rules.
 */
import { abortError } from '../../abort.js';

export interface RetryOptions {
  /** Attempts in all, the first included. Default 4. */
  maxAttempts?: number;
  /** Upper bound of the first delay, in ms. Default 50. */
  initialBackoffMs?: number;
  /** Upper bound of any delay, in ms. Default 1000. */
  maxBackoffMs?: number;
}

export type ResolvedRetryOptions = Required<RetryOptions>;

export function resolveRetryOptions(options: RetryOptions = {}): ResolvedRetryOptions {
  return {
    maxAttempts: options.maxAttempts ?? 4,
    initialBackoffMs: options.initialBackoffMs ?? 50,
    maxBackoffMs: options.maxBackoffMs ?? 1000,
  };
}

/** Delay before attempt `attempt + 1` (attempt counts from 1): uniform in [0, min(max, initial·2^(attempt-1))]. */
export function backoffDelay(
  attempt: number,
  options: ResolvedRetryOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxBackoffMs, options.initialBackoffMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/** Waits `ms`, or rejects with the abort error as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
