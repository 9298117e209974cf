/**
 * The exit codes scripts can rely on, and the one error type the commands throw to end with a
 * given code. `chipq --help` and the README list the same table.
 */

export const exitCodes = {
  /** Every image was inspected and none FAILed (PASS and REVIEW only). */
  ok: 0,
  /** At least one image FAILed (unless `--no-fail-exit`). */
  fail: 1,
  /** Bad arguments, options or manifest: nothing was inspected. */
  usage: 2,
  /** Some images could not be processed (unreadable, not an image, wrong size, ...). */
  unprocessed: 3,
  /** The engine, the server or the model is unavailable. */
  unavailable: 4,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/** An error that ends the command with `exitCode` and prints only `message` (no stack). */
export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    readonly exitCode: ExitCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A usage error (exit code 2). */
export function usageError(message: string): CliError {
  return new CliError(exitCodes.usage, message);
}

/** Codes (from core or the service) that mean the engine or server, not the image, is at fault. */
export const unavailableCodes: ReadonlySet<string> = new Set([
  'ENGINE_UNAVAILABLE',
  'DATABASE_UNAVAILABLE',
  'MODEL_NOT_FOUND',
  'MODEL_NOT_READY',
  'MODEL_CONFIG_INVALID',
  'NETWORK_ERROR',
]);
