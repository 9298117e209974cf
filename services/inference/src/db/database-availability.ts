/**
 * Tells "the database cannot be reached" apart from "the database refused this statement", and
 * keeps the last time the database answered anything. The first turns into a 503 with
 * Retry-After (nothing was stored, try again) and into retries in the batch worker; the second
 * lets /monitoring/health answer from the traffic it sees instead of queueing a probe behind it.
 */

/** SQLSTATE classes and codes meaning the server is gone, starting or stopping. */
const unavailableSqlStates = new Set(['57P01', '57P02', '57P03', '53300']);
const unavailableNodeCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);
/** node-postgres reports a lost connection with these messages only (no code). */
const unavailableMessages = [
  'Connection terminated',
  'connection error',
  'timeout exceeded when trying to connect',
  'Client was closed and is not queryable',
  'Client has encountered a connection error',
];

/** True when `error` (or its cause) means the database could not be reached or went away. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (unavailableSqlStates.has(code) || code.startsWith('08') || unavailableNodeCodes.has(code))
        return true;
    }
    if (unavailableMessages.some((m) => e instanceof Error && e.message.includes(m))) return true;
    if (e instanceof AggregateError && e.errors.some(isDatabaseUnavailable)) return true;
  }
  return false;
}

/** When the database last answered a query, and whether it has failed to be reached since. */
export class DatabaseActivity {
  #answeredAt = Number.NEGATIVE_INFINITY;
  #unreachableAt = Number.NEGATIVE_INFINITY;

  /** A query got an answer (an SQL error is an answer too). */
  answered(): void {
    this.#answeredAt = performance.now();
  }

  /** A query could not reach the database. */
  unreachable(): void {
    this.#unreachableAt = performance.now();
  }

  /** Milliseconds since the last answer, when it came within `withinMs` and no failure came after it. */
  answeredWithin(withinMs: number): number | undefined {
    const age = performance.now() - this.#answeredAt;
    return age <= withinMs && this.#answeredAt > this.#unreachableAt ? age : undefined;
  }
}
