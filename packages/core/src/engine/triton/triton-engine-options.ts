/**
 * Options of the Triton engine: the client's (endpoint, deadlines, retries, breaker, message
 * sizes) plus what the engine itself does at creation, resolved once with exact messages for
 * invalid values (CONVENTIONS.md §6).
 */
import { ChipqError } from '../../errors.js';
import { type ResolvedChannelOptions, resolveChannelOptions } from '../../triton/channel-options.js';
import type { TritonClientOptions } from '../../triton/triton-client.js';

export interface TritonEngineOptions extends TritonClientOptions {
  /**
   * Models to load (RepositoryModelLoad) while the engine is created; each must load or creation
   * fails. Default: none — the server's own `--load-model` flags decide what runs.
   */
  startupModels?: readonly string[];
}

export interface ResolvedTritonEngineOptions {
  channel: ResolvedChannelOptions;
  startupModels: readonly string[];
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
  return { channel: resolveChannelOptions(options), startupModels };
}
