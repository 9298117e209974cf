/**
 * The service's one `onError`: every failure leaves as problem+json with a stable `code`.
 * ChipqError carries its code; Hono's HTTPExceptions (malformed JSON or multipart, 415, body
 * limit) are mapped by status; anything else is INTERNAL, never shown. Every 5xx answer is
 * logged with its error and cause (error level for 500, warn for 503/504): a server failure
 * always leaves a line.
 */
import { ChipqError, type ErrorCode, isChipqError } from '@chipq/core';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { isDatabaseUnavailable } from '../db/database-availability.js';
import type { Logger } from '../observability/logger.js';
import { AccessError } from './access-error.js';
import { type FieldError, problemBody, problemContentType } from './problem-details.js';

function fromHttpException(error: HTTPException): ChipqError {
  const code: ErrorCode =
    error.status === 404
      ? 'NOT_FOUND'
      : error.status === 413
        ? 'PAYLOAD_TOO_LARGE'
        : error.status === 415
          ? 'UNSUPPORTED_MEDIA_TYPE'
          : error.status >= 500
            ? 'INTERNAL'
            : 'INVALID_INPUT';
  return new ChipqError(code, error.message || 'invalid request', {
    cause: error,
    details: { status: error.status },
  });
}

/** Builds the `onError` handler; `logger` receives every 5xx answer. */
export function createErrorHandler(logger: Logger) {
  return (error: Error, c: Context): Response => {
    if (error instanceof AccessError) return accessProblem(error, c);
    let chipq: ChipqError;
    let status: number | undefined;
    if (isChipqError(error)) chipq = error;
    else if (error instanceof HTTPException) {
      chipq = fromHttpException(error);
      // Keep Hono's own status (415, 411, ...) where our code's default would differ.
      status = error.status;
    } else if (isDatabaseUnavailable(error)) {
      // Nothing was stored: the client may retry once the database is back (503 + Retry-After).
      logger.warn('database unavailable', { error, path: c.req.path, request_id: c.get('requestId') });
      chipq = new ChipqError(
        'DATABASE_UNAVAILABLE',
        'the database cannot be reached; nothing was stored, retry shortly',
        {
          cause: error,
        },
      );
    } else {
      chipq = new ChipqError('INTERNAL', 'an unexpected error occurred', { cause: error });
    }
    const { errors, http_status: _httpStatus, ...details } = chipq.details ?? {};
    const body = problemBody(chipq.code, chipq.message, {
      instance: c.req.path,
      requestId: c.get('requestId') as string | undefined,
      errors: errors as FieldError[] | undefined,
      details,
      status,
    });
    if (body.status >= 500) {
      logger[body.status === 500 ? 'error' : 'warn'](
        `${c.req.method} ${c.req.path} answered ${body.status} ${chipq.code}`,
        {
          error,
          code: chipq.code,
          status: body.status,
          path: c.req.path,
          request_id: body.request_id,
          key_id: c.get('caller')?.keyId,
        },
      );
    }
    const headers: Record<string, string> = { 'content-type': problemContentType };
    // A new Response drops what middleware set on the context; keep the request id.
    if (body.request_id !== undefined) headers['x-request-id'] = body.request_id;
    if (
      chipq.code === 'RESOURCE_EXHAUSTED' ||
      chipq.code === 'ENGINE_UNAVAILABLE' ||
      chipq.code === 'DATABASE_UNAVAILABLE'
    )
      headers['retry-after'] = '1';
    return new Response(JSON.stringify(body), { status: body.status, headers });
  };
}

/** 401 with `WWW-Authenticate: Bearer` (RFC 6750), 403, 405 with `Allow`, or 429 with `Retry-After`. */
function accessProblem(error: AccessError, c: Context): Response {
  const { retryAfterSeconds, allow, ...details } = error.details;
  const body = problemBody(error.code, error.message, {
    instance: c.req.path,
    requestId: c.get('requestId') as string | undefined,
    details,
  });
  const headers: Record<string, string> = { 'content-type': problemContentType };
  if (body.request_id !== undefined) headers['x-request-id'] = body.request_id;
  if (error.code === 'UNAUTHENTICATED') headers['www-authenticate'] = 'Bearer realm="chipq"';
  if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
  if (allow !== undefined) headers.allow = allow;
  return new Response(JSON.stringify(body), { status: body.status, headers });
}
