/**
 * The configs of the models the engine sends requests to, fetched once per model and version
 * (ModelConfig RPC) so every inference is checked before the wire without a round trip of its
 * own. Entries are dropped when the engine loads or unloads the model, and when Triton answers an
 * inference with "not found" / "not ready" (someone else changed the model).
 *
 * A fetch is shared by the callers waiting for it, so it runs under no caller's signal; each
 * caller stops waiting on its own signal.
 */
import { untilAborted } from '../../abort.js';
import type { ModelConfig } from '../../model-repository/model-config.js';
import type { TritonClient } from '../../triton-client/triton-client.js';

export class TritonModelConfigs {
  readonly #client: TritonClient;
  readonly #timeoutMs: number;
  readonly #cache = new Map<string, Promise<ModelConfig>>();

  /** @param timeoutMs deadline of one ModelConfig fetch */
  constructor(client: TritonClient, timeoutMs: number) {
    this.#client = client;
    this.#timeoutMs = timeoutMs;
  }

  get(model: string, version: string, signal: AbortSignal): Promise<ModelConfig> {
    const key = `${model}\0${version}`;
    let entry = this.#cache.get(key);
    if (!entry) {
      entry = this.#client.modelConfig(model, version, { timeoutMs: this.#timeoutMs });
      this.#cache.set(key, entry);
      entry.catch(() => {
        if (this.#cache.get(key) === entry) this.#cache.delete(key);
      });
    }
    return untilAborted(entry, signal);
  }

  /** Drops every cached version of `model`. */
  forget(model: string): void {
    for (const key of this.#cache.keys()) if (key.startsWith(`${model}\0`)) this.#cache.delete(key);
  }
}
