/**
 * How often a model instance may bring its worker thread back after it died: a few attempts in a
 * row with growing delays, and a cap on restarts per time window so a model that kills its
 * worker on every request stops being restarted and is reported UNAVAILABLE instead.
 */

export interface RestartBudgetOptions {
  /** Failed attempts in a row before giving up, default 3. */
  maxAttempts?: number;
  /** Delay before the first attempt, doubled per failed attempt; default 100 ms. */
  baseDelayMs?: number;
  /** Restarts allowed per window, default 5. */
  maxPerWindow?: number;
  /** The window, default 60 s. */
  windowMs?: number;
  now?: () => number;
}

export class RestartBudget {
  readonly #maxAttempts: number;
  readonly #baseDelayMs: number;
  readonly #maxPerWindow: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #recent: number[] = [];
  #attempts = 0;

  constructor(options: RestartBudgetOptions = {}) {
    this.#maxAttempts = options.maxAttempts ?? 3;
    this.#baseDelayMs = options.baseDelayMs ?? 100;
    this.#maxPerWindow = options.maxPerWindow ?? 5;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#now = options.now ?? (() => performance.now());
  }

  /** The delay before the next attempt, or undefined when the budget is spent (give up). */
  nextDelayMs(): number | undefined {
    const now = this.#now();
    while (this.#recent.length > 0 && now - (this.#recent[0] as number) > this.#windowMs)
      this.#recent.shift();
    if (this.#attempts >= this.#maxAttempts || this.#recent.length >= this.#maxPerWindow) return undefined;
    this.#recent.push(now);
    return this.#baseDelayMs * 2 ** this.#attempts++;
  }

  /** An attempt worked: the next failure starts again from the first delay. */
  succeeded(): void {
    this.#attempts = 0;
  }
}
