/**
 * Rate-limit counts in Redis (REDIS_URL), so every replica counts against the same limit:
 * hono-rate-limiter's RedisStore (atomic Lua scripts, one key per caller with the window as its
 * expiry) over an ioredis connection.
 *
 * A Redis that cannot be reached at start-up stops the start with the reason. One that goes away
 * later does not stop inspection: requests pass uncounted (fail open), with one warning when
 * counting stops and one when it resumes — a production line must not halt because its limiter
 * did.
 */
import { type ClientRateLimitInfo, type RedisClient, RedisStore, type Store } from 'hono-rate-limiter';
import { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';
import type { AppEnv } from './app-env.js';

interface RateLimitStore {
  store: Store<AppEnv>;
  close(): Promise<void>;
}

/** ioredis in the shape RedisStore calls (Upstash's method names). */
function asRedisClient(redis: Redis): RedisClient {
  return {
    scriptLoad: (script) => redis.script('LOAD', script) as Promise<string>,
    evalsha: <TArgs extends unknown[], TData = unknown>(sha1: string, keys: string[], args: TArgs) =>
      redis.evalsha(sha1, keys.length, ...keys, ...args.map(String)) as Promise<TData>,
    decr: (key) => redis.decr(key),
    del: (key) => redis.del(key),
  };
}

/** Connects to `url` and proves it answers; rejects with a message naming REDIS_URL otherwise. */
export async function openRedisRateLimitStore(url: string, logger: Logger): Promise<RateLimitStore> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 5_000,
    // While Redis is away a command fails at once instead of waiting for reconnection: the
    // request it belongs to passes uncounted rather than hanging.
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  // Connection errors surface through the commands below; without a listener ioredis prints them.
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new Error(`REDIS_URL: cannot reach Redis for the shared rate limits: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const store = new RedisStore<AppEnv>({ client: asRedisClient(redis), prefix: 'chipq:rate-limit:' });
  return {
    store: failOpen(store, logger),
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** `store` whose counting failures let the request through, logged once per outage. */
function failOpen(store: RedisStore<AppEnv>, logger: Logger): Store<AppEnv> {
  let failing = false;
  const uncounted: ClientRateLimitInfo = { totalHits: 0, resetTime: undefined };
  return {
    init: (options) => store.init(options),
    async increment(key: string) {
      try {
        const info = await store.increment(key);
        if (failing) logger.info('Redis answers again: rate limits are counted again');
        failing = false;
        return info;
      } catch (error) {
        if (!failing)
          logger.warn('Redis is unreachable: requests pass without rate limits until it answers', { error });
        failing = true;
        return uncounted;
      }
    },
    decrement: (key: string) => store.decrement(key).catch(() => undefined),
    resetKey: (key: string) => store.resetKey(key).catch(() => undefined),
    get: (key: string) => store.get(key).catch(() => undefined),
  };
}
