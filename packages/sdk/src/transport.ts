// The channel under the typed methods (CONVENTIONS.md §4, §7): a deadline and the caller's
// AbortSignal on every attempt, and retries with exponential backoff for idempotent calls only.
// openapi-fetch builds the Request; this decides how many times and how long to send it.
import type { FetchLike, ResolvedClientOptions } from './client-options.js';

/** Answers worth another attempt: the server said "later" or a proxy lost it. */
const retryableStatus = new Set([408, 429, 502, 503, 504]);

export interface SendOptions {
  /** True for calls that can safely run twice (GETs, cancel). */
  idempotent: boolean;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The caller's signal combined with a per-attempt deadline (a `TimeoutError` DOMException). */
function attemptSignal(signal: AbortSignal | undefined, timeoutMs: number): AbortSignal | undefined {
  const signals = [signal, timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined].filter(
    (s): s is AbortSignal => s !== undefined,
  );
  return signals.length > 1 ? AbortSignal.any(signals) : signals[0];
}

/**
 * A fetch for one call. Network errors and timeouts reject with the underlying error (a
 * `TypeError` or a `TimeoutError`/`AbortError` DOMException); HTTP errors resolve and are turned
 * into `ChipqApiError` by the caller.
 */
export function createSender(config: ResolvedClientOptions, options: SendOptions): FetchLike {
  const timeoutMs = options.timeoutMs ?? config.timeoutMs;
  const attempts = options.idempotent ? config.retries + 1 : 1;
  return async (request) => {
    for (let attempt = 1; ; attempt++) {
      const signal = attemptSignal(options.signal, timeoutMs);
      // Clone before sending: a body stream can be read only once.
      const sent = attempt < attempts ? request.clone() : request;
      try {
        const response = await config.fetch(new Request(sent, signal ? { signal } : {}));
        if (attempt >= attempts || !retryableStatus.has(response.status)) return response;
        await response.body?.cancel();
      } catch (error) {
        if (attempt >= attempts || options.signal?.aborted) throw error;
      }
      await sleep(config.retryDelayMs * 2 ** (attempt - 1), options.signal);
    }
  };
}
