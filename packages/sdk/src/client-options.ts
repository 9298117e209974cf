// Options of `createChipqClient` and of each call, with their defaults resolved once
// (CONVENTIONS.md §6): bad values throw exact messages at construction, not on first use.

/** The fetch the client uses; any WHATWG-compatible function (a test passes `app.request`). */
export type FetchLike = (request: Request) => Promise<Response>;

export interface ChipqClientOptions {
  /** Service origin, e.g. `http://localhost:8080` (paths `/api/v1/...` are added). Required. */
  baseUrl: string;
  /** Default: `globalThis.fetch`. */
  fetch?: FetchLike;
  /**
   * An API key, sent as `Authorization: Bearer <key>` with every request. Model management
   * and keys need one with the `admin` scope; predict, batches and reads need one once the
   * service has any `infer` key. Default: none.
   */
  apiKey?: string;
  /** Sent with every request. Default: none. */
  headers?: Record<string, string>;
  /** Deadline of each attempt in ms; 0 disables it. Default 30000. */
  timeoutMs?: number;
  /**
   * Extra attempts for idempotent calls (GETs and cancel) after a network error or a
   * 408/429/502/503/504 answer, with exponential backoff. Never used for predict, batch,
   * deploy, load or unload, which could run twice. Default 2.
   */
  retries?: number;
  /** First backoff delay in ms, doubled each retry. Default 200. */
  retryDelayMs?: number;
}

/** Per-call options, accepted by every method. */
export interface CallOptions {
  /** Aborts the call (and any backoff wait). */
  signal?: AbortSignal;
  /** Overrides the client's `timeoutMs` for this call. */
  timeoutMs?: number;
}

export interface ResolvedClientOptions {
  baseUrl: string;
  fetch: FetchLike;
  headers: Record<string, string>;
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
}

function integerAtLeast(name: string, value: number | undefined, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min)
    throw new TypeError(`expected an integer >= ${min} for ${name}, got ${String(value)}`);
  return value;
}

/** Applies the defaults above and validates every field. */
export function resolveClientOptions(options: ChipqClientOptions): ResolvedClientOptions {
  if (typeof options?.baseUrl !== 'string' || !/^https?:\/\//.test(options.baseUrl))
    throw new TypeError(`expected an http(s) URL for baseUrl, got ${String(options?.baseUrl)}`);
  if (
    options.apiKey !== undefined &&
    (typeof options.apiKey !== 'string' || !/^[\x21-\x7e]+$/.test(options.apiKey))
  )
    throw new TypeError('expected a non-empty API key without spaces for apiKey');
  const fetchFn = options.fetch ?? globalThis.fetch?.bind(globalThis);
  if (typeof fetchFn !== 'function') throw new TypeError('no fetch available: pass options.fetch');
  return {
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    fetch: fetchFn as FetchLike,
    headers: {
      ...options.headers,
      ...(options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` }),
    },
    timeoutMs: integerAtLeast('timeoutMs', options.timeoutMs, 0, 30_000),
    retries: integerAtLeast('retries', options.retries, 0, 2),
    retryDelayMs: integerAtLeast('retryDelayMs', options.retryDelayMs, 0, 200),
  };
}
