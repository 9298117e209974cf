/**
 * Options of the Triton engine: the client's (endpoint, deadlines, retries, breaker, message
 * sizes) plus what the engine itself does at creation, resolved once with exact messages for
 * invalid values (CONVENTIONS.md §6).
 */
import { ChipqError } from '../../errors.js';
import {
  type ResolvedChannelOptions,
  resolveChannelOptions,
} from '../../triton-client/channel/channel-options.js';
import type { TritonClientOptions } from '../../triton-client/triton-client.js';

export interface TritonEngineOptions extends TritonClientOptions {
  /**
   * Models to load (RepositoryModelLoad) while the engine is created; each must load or creation
   * fails. Default: none — the server's own `--load-model` flags decide what runs.
   */
  startupModels?: readonly string[];
  /**
   * `'system'`: send input tensors through POSIX shared memory (`/dev/shm`) instead of the gRPC
   * message — only when Triton runs on the same host and can open the same /dev/shm. Default
   * `'none'`.
   */
  sharedMemory?: 'none' | 'system';
  /**
   * Triton's HTTP endpoint, `http://host:port` (Triton's default port is 8000). When given,
   * inferences go over HTTP/REST with binary tensors by default (see `inferTransport`).
   */
  httpUrl?: string;
  /**
   * How inferences travel: `'http'` (Triton's REST protocol with binary tensors, on undici) or
   * `'grpc'`. Default: `'http'` when `httpUrl` is given, else `'grpc'`. HTTP measured 1.7x to
   * 2.6x the inferences per second of gRPC here (pnpm bench, triton section); everything else
   * (load, unload, config, statistics, shared memory registration) always uses gRPC.
   */
  inferTransport?: 'grpc' | 'http';
}

export interface ResolvedTritonEngineOptions {
  channel: ResolvedChannelOptions;
  startupModels: readonly string[];
  sharedMemory: 'none' | 'system';
  /** Set when inferences go over HTTP. */
  httpUrl: string | undefined;
}

/** @throws ChipqError INVALID_INPUT naming the option and what was given. */
export function resolveTritonEngineOptions(options: TritonEngineOptions = {}): ResolvedTritonEngineOptions {
  const startupModels = options.startupModels ?? [];
  if (
    !Array.isArray(startupModels) ||
    !startupModels.every((name) => typeof name === 'string' && name !== '')
  ) {
    throw new ChipqError(
      'INVALID_INPUT',
      `expected an array of model names for startupModels, got ${JSON.stringify(startupModels)}`,
    );
  }
  const sharedMemory = options.sharedMemory ?? 'none';
  if (sharedMemory !== 'none' && sharedMemory !== 'system') {
    throw new ChipqError(
      'INVALID_INPUT',
      `expected 'none' or 'system' for sharedMemory, got ${JSON.stringify(sharedMemory)}`,
    );
  }
  const transport = options.inferTransport ?? (options.httpUrl === undefined ? 'grpc' : 'http');
  if (transport !== 'grpc' && transport !== 'http') {
    throw new ChipqError(
      'INVALID_INPUT',
      `expected 'grpc' or 'http' for inferTransport, got ${JSON.stringify(transport)}`,
    );
  }
  if (transport === 'http' && options.httpUrl === undefined) {
    throw new ChipqError('INVALID_INPUT', "inferTransport 'http' needs httpUrl (e.g. http://127.0.0.1:8000)");
  }
  return {
    channel: resolveChannelOptions(options),
    startupModels,
    sharedMemory,
    httpUrl: transport === 'http' ? options.httpUrl : undefined,
  };
}
