/**
 * A circuit breaker for one Triton channel. After `failureThreshold` consecutive failures that
 * mean "server unreachable" it opens: calls fail at once with ENGINE_UNAVAILABLE instead of each
 * waiting for a connect timeout. After `cooldownMs` it lets one probe call through (half-open);
 * the probe's success closes it, its failure opens it for another cool-down.
 *
 * Only unreachability counts: a model error (bad input, unknown model) says the server is fine.
 *
 * Hand-written on purpose (issue 15 looked at the libraries): cockatiel 4 needs Node 22, and
 * cockatiel 3's breaker has no way to let a health check through an open circuit and close it
 * on success (only isolate/dispose), nor to say how long until the next probe; grpc-js has
 * retries but no breaker. What this needs is the 60 lines below, tested in circuit-breaker.test.ts.
 */
import { ChipqError } from '../../errors.js';

export interface CircuitBreakerOptions {
  /** Consecutive unavailability failures that open the breaker. Default 5. */
  failureThreshold?: number;
  /** How long the breaker stays open before a probe is let through, in ms. Default 5000. */
  cooldownMs?: number;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

export class CircuitBreaker {
  readonly #threshold: number;
  readonly #cooldownMs: number;
  readonly #now: () => number;
  #failures = 0;
  #openedAt = 0;
  #state: CircuitState = 'closed';
  #probeInFlight = false;

  constructor(options: CircuitBreakerOptions = {}, now: () => number = Date.now) {
    this.#threshold = options.failureThreshold ?? 5;
    this.#cooldownMs = options.cooldownMs ?? 5000;
    this.#now = now;
  }

  get state(): CircuitState {
    if (this.#state === 'open' && this.#now() - this.#openedAt >= this.#cooldownMs) return 'half-open';
    return this.#state;
  }

  /**
   * Asks to make a call. Returns a token to pass to `success` / `failure`; throws
   * ENGINE_UNAVAILABLE while open, or while half-open with the one probe already in flight.
   * `force` lets health checks through an open breaker: they are the cheapest probe there is.
   */
  enter(target: string, force = false): { probe: boolean } {
    const state = this.state;
    if (state === 'closed' || force) return { probe: false };
    if (state === 'half-open' && !this.#probeInFlight) {
      this.#probeInFlight = true;
      return { probe: true };
    }
    const waitMs = Math.max(0, this.#cooldownMs - (this.#now() - this.#openedAt));
    throw new ChipqError(
      'ENGINE_UNAVAILABLE',
      `Triton at ${target} is unreachable (circuit open after ${this.#failures} consecutive failures; next probe in ${waitMs} ms)`,
      { details: { circuit: state, retryAfterMs: waitMs } },
    );
  }

  /** The call reached the server (whatever it answered). */
  success(token: { probe: boolean }): void {
    if (token.probe) this.#probeInFlight = false;
    this.#failures = 0;
    this.#state = 'closed';
  }

  /** The call failed; `unavailable` says whether it failed because the server was unreachable. */
  failure(token: { probe: boolean }, unavailable: boolean): void {
    if (token.probe) this.#probeInFlight = false;
    if (!unavailable) {
      if (token.probe) this.#state = 'closed';
      return;
    }
    this.#failures++;
    if (token.probe || this.#failures >= this.#threshold) {
      this.#state = 'open';
      this.#openedAt = this.#now();
    }
  }
}
