/**
 * Read-your-writes for Triton's statistics. Triton updates ModelStatistics just after it sends a
 * response, so a client that reads them the moment its answer arrives can miss its own request.
 * The engine counts the successes it was answered per model version since its last read; a read
 * that shows fewer than the last read's count plus those is repeated a few times, briefly, until
 * Triton has caught up. Other clients' requests only raise the count, so the check never waits
 * for them; a reload (which restarts Triton's counts) just ends the wait at its bound.
 */
import type { ModelStatistics } from '../../kserve/kserve-types.js';

/** Repeats of a lagging read, and the pause before each. */
const RETRIES = 20;
const PAUSE_MS = 5;

interface Seen {
  /** `success.count` at the last read. */
  success: number;
  /** Successful answers since that read. */
  answered: number;
}

export class TritonStatistics {
  readonly #seen = new Map<string, Seen>();

  /** Records a successful answer from `model` `version`. */
  answered(model: string, version: string): void {
    const seen = this.#seen.get(key(model, version));
    if (seen) seen.answered++;
  }

  /** Forgets what was seen of `model` (after a load or unload, whose counts restart). */
  forget(model: string): void {
    for (const k of this.#seen.keys()) if (k.startsWith(`${model}\0`)) this.#seen.delete(k);
  }

  /** Reads with `read` until every version shows the answers already received (bounded). */
  async read(read: () => Promise<ModelStatistics[]>, signal?: AbortSignal): Promise<ModelStatistics[]> {
    let stats = await read();
    for (let attempt = 0; attempt < RETRIES && this.#lagging(stats); attempt++) {
      signal?.throwIfAborted();
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
      stats = await read();
    }
    for (const entry of stats) {
      this.#seen.set(key(entry.name, entry.version), {
        success: entry.inferenceStats.success.count,
        answered: 0,
      });
    }
    return stats;
  }

  #lagging(stats: readonly ModelStatistics[]): boolean {
    return stats.some((entry) => {
      const seen = this.#seen.get(key(entry.name, entry.version));
      return seen !== undefined && entry.inferenceStats.success.count < seen.success + seen.answered;
    });
  }
}

function key(model: string, version: string): string {
  return `${model}\0${version}`;
}
