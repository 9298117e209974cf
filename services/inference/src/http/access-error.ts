/**
 * Refusals of the HTTP layer itself, which core (a library with no notion of callers) has no
 * codes for: no or bad credentials, a key without the needed scope, a key over its rate limit.
 * They extend the closed set of problem codes (problem-details.ts) and leave through the same
 * `onError` as every ChipqError.
 */
export const accessErrorCodes = [
  'UNAUTHENTICATED',
  'PERMISSION_DENIED',
  'RATE_LIMITED',
  // A path that exists, asked with a method it does not take (405 with Allow, RFC 9110 §15.5.6).
  'METHOD_NOT_ALLOWED',
] as const;
export type AccessErrorCode = (typeof accessErrorCodes)[number];

export class AccessError extends Error {
  override readonly name = 'AccessError';
  constructor(
    readonly code: AccessErrorCode,
    message: string,
    /**
     * `retryAfterSeconds` becomes the Retry-After header, `allow` the Allow header; the rest goes
     * to the problem's `details`.
     */
    readonly details: Record<string, unknown> & { retryAfterSeconds?: number; allow?: string } = {},
  ) {
    super(message);
  }
}
