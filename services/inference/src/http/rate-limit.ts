/**
 * Per-caller rate limits with hono-rate-limiter: each API key, or each client address without a
 * key, may send `limit` requests per `windowMs`. Over it: 429 problem+json RATE_LIMITED with
 * `Retry-After` in seconds. Counted in `store` — Redis (REDIS_URL) so replicas share one count,
 * else in memory, where each replica counts alone and the effective limit is `limit` times the
 * replica count.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { rateLimiter, type Store } from 'hono-rate-limiter';
import { AccessError } from './access-error.js';
import type { AppEnv } from './app-env.js';

/** The remote address, or `local` for in-process requests (tests' `app.request`). */
function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'local';
  }
}

export function rateLimit(options: {
  limit: number;
  windowMs: number;
  /** Default: hono-rate-limiter's in-memory store. */
  store?: Store<AppEnv>;
}): MiddlewareHandler<AppEnv> {
  return rateLimiter<AppEnv>({
    ...(options.store === undefined ? {} : { store: options.store }),
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: 'draft-6',
    keyGenerator: (c) => {
      const keyId = c.get('caller')?.keyId;
      return keyId === undefined ? `address:${clientAddress(c)}` : `key:${keyId}`;
    },
    handler: (c) => {
      const info = c.get('rateLimit' as never) as { resetTime?: Date } | undefined;
      const retryAfterSeconds = Math.max(
        1,
        Math.ceil(((info?.resetTime?.getTime() ?? Date.now() + options.windowMs) - Date.now()) / 1000),
      );
      const keyId = c.get('caller')?.keyId;
      throw new AccessError(
        'RATE_LIMITED',
        `${keyId === undefined ? 'this client address' : `API key ${keyId}`} sent more than ${options.limit} requests in ${options.windowMs / 1000} s (RATE_LIMIT)`,
        { retryAfterSeconds, limit: options.limit, window_seconds: options.windowMs / 1000 },
      );
    },
  }) as MiddlewareHandler<AppEnv>;
}
