/**
 * Options of a Triton gRPC channel, with their defaults, resolved once (CONVENTIONS.md §6).
 */
import { ChipqError } from '../../errors.js';
import type { CircuitBreakerOptions } from './circuit-breaker.js';
import { type ResolvedRetryOptions, type RetryOptions, resolveRetryOptions } from './retry-policy.js';

export interface TritonChannelOptions {
  /** Triton's gRPC endpoint, `host:port`. Default `127.0.0.1:8001`. */
  url?: string;
  /** Deadline of a call that gives none, in ms. Default 30000. */
  defaultTimeoutMs?: number;
  /** Deadline of RepositoryModelLoad / Unload when the call gives none (loads can be slow). Default 300000. */
  repositoryTimeoutMs?: number;
  /** How long a call waits for the channel to connect before it counts as unavailable, in ms. Default 2000. */
  connectTimeoutMs?: number;
  /** Largest message sent or received, in bytes; sized for large images. Default 256 MiB. */
  maxMessageBytes?: number;
  /**
   * Interval of HTTP/2 keepalive pings while calls are in flight, in ms. Default 300000: Triton's
   * server, like any gRPC C++ server by default, answers pings more frequent than every 5 minutes
   * without data with GOAWAY (`grpc-http2-min-recv-ping-interval-without-data`); lower it only
   * together with that server flag.
   */
  keepaliveTimeMs?: number;
  /** How long to wait for a keepalive ack before the connection counts as dead, in ms. Default 20000. */
  keepaliveTimeoutMs?: number;
  /** Upper bound of grpc-js's reconnect backoff, in ms: how soon a restarted server is found again. Default 2000. */
  maxReconnectBackoffMs?: number;
  /** Retries of calls that cannot have reached the server (see retry-policy.ts). */
  retry?: RetryOptions;
  /** Circuit breaker (see circuit-breaker.ts). */
  circuitBreaker?: CircuitBreakerOptions;
  /** Folder with grpc_service.proto, model_config.proto and health.proto to load instead of the built-in ones. */
  protoDir?: string;
}

export interface ResolvedChannelOptions {
  url: string;
  defaultTimeoutMs: number;
  repositoryTimeoutMs: number;
  connectTimeoutMs: number;
  maxMessageBytes: number;
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
  maxReconnectBackoffMs: number;
  retry: ResolvedRetryOptions;
  circuitBreaker: Required<CircuitBreakerOptions>;
  protoDir: string | undefined;
}

export function resolveChannelOptions(options: TritonChannelOptions = {}): ResolvedChannelOptions {
  const url = options.url ?? '127.0.0.1:8001';
  if (!/^[^\s/]+:\d+$/.test(url)) {
    throw new ChipqError('INVALID_INPUT', `expected host:port for url, got ${JSON.stringify(url)}`);
  }
  const retry = resolveRetryOptions(options.retry);
  const resolved: ResolvedChannelOptions = {
    url,
    defaultTimeoutMs: options.defaultTimeoutMs ?? 30_000,
    repositoryTimeoutMs: options.repositoryTimeoutMs ?? 300_000,
    connectTimeoutMs: options.connectTimeoutMs ?? 2_000,
    maxMessageBytes: options.maxMessageBytes ?? 256 * 1024 * 1024,
    keepaliveTimeMs: options.keepaliveTimeMs ?? 300_000,
    keepaliveTimeoutMs: options.keepaliveTimeoutMs ?? 20_000,
    maxReconnectBackoffMs: options.maxReconnectBackoffMs ?? 2_000,
    retry,
    circuitBreaker: {
      failureThreshold: options.circuitBreaker?.failureThreshold ?? 5,
      cooldownMs: options.circuitBreaker?.cooldownMs ?? 5_000,
    },
    protoDir: options.protoDir,
  };
  const positive: Array<[string, number]> = [
    ['defaultTimeoutMs', resolved.defaultTimeoutMs],
    ['repositoryTimeoutMs', resolved.repositoryTimeoutMs],
    ['connectTimeoutMs', resolved.connectTimeoutMs],
    ['maxMessageBytes', resolved.maxMessageBytes],
    ['keepaliveTimeMs', resolved.keepaliveTimeMs],
    ['keepaliveTimeoutMs', resolved.keepaliveTimeoutMs],
    ['maxReconnectBackoffMs', resolved.maxReconnectBackoffMs],
    ['retry.maxAttempts', retry.maxAttempts],
    ['circuitBreaker.failureThreshold', resolved.circuitBreaker.failureThreshold],
  ];
  for (const [name, value] of positive) {
    if (!Number.isInteger(value) || value < 1) {
      throw new ChipqError('INVALID_INPUT', `expected a positive integer for ${name}, got ${value}`);
    }
  }
  for (const [name, value] of [
    ['retry.initialBackoffMs', retry.initialBackoffMs],
    ['retry.maxBackoffMs', retry.maxBackoffMs],
    ['circuitBreaker.cooldownMs', resolved.circuitBreaker.cooldownMs],
  ] as const) {
    if (!Number.isInteger(value) || value < 0) {
      throw new ChipqError('INVALID_INPUT', `expected a non-negative integer for ${name}, got ${value}`);
    }
  }
  return resolved;
}
