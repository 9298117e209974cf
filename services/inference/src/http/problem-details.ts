/**
 * The one mapping from chipq's stable error codes to HTTP: status, title and an RFC 9457
 * problem+json body. Used by `onError` only (CONVENTIONS.md §5); the OpenAPI schema of the body
 * is in `schemas/problem-schema.ts`.
 */
import type { ErrorCode } from '@chipq/core';
import type { AccessErrorCode } from './access-error.js';

export const problemContentType = 'application/problem+json';

/** Core's error codes plus the HTTP layer's own (authentication, scopes, rate limits). */
export type ProblemCode = ErrorCode | AccessErrorCode;

/**
 * A field path segment or message safe to echo: control characters (a NUL in a tag key, say)
 * become `\\uXXXX` text, so answers and logs never carry them raw.
 */
export function escapeControls(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  return text.replace(/[\x00-\x1F\x7F-\x9F]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export interface FieldError {
  /** Dotted path of the bad field (`die_x`, `items.2.image`). */
  field: string;
  /** Where the field was: body, query, path or header. */
  in: 'body' | 'query' | 'path' | 'header';
  message: string;
  /** zod's issue code (`invalid_type`, `too_small`, ...). */
  code: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: ProblemCode;
  request_id?: string;
  errors?: FieldError[];
  details?: Record<string, unknown>;
}

const statusAndTitle: Record<ProblemCode, [number, string]> = {
  INVALID_INPUT: [400, 'Invalid input'],
  UNSUPPORTED_IMAGE: [422, 'Unsupported image'],
  IMAGE_TOO_LARGE: [413, 'Image too large'],
  IMAGE_TOO_MANY_PIXELS: [413, 'Image has too many pixels'],
  IMAGE_TOO_SMALL: [422, 'Image too small for the model'],
  PAYLOAD_TOO_LARGE: [413, 'Request body too large'],
  UNSUPPORTED_MEDIA_TYPE: [415, 'Unsupported media type'],
  REFERENCE_MISMATCH: [422, 'Reference does not match the image'],
  REFERENCE_REQUIRED: [422, 'Reference required'],
  MODEL_NOT_FOUND: [404, 'Model not found'],
  MODEL_NOT_READY: [503, 'Model not ready'],
  MODEL_CONFIG_INVALID: [422, 'Model configuration invalid'],
  ENGINE_UNAVAILABLE: [503, 'Inference engine unavailable'],
  DATABASE_UNAVAILABLE: [503, 'Database unavailable'],
  INFERENCE_FAILED: [500, 'Inference failed'],
  DEADLINE_EXCEEDED: [504, 'Deadline exceeded'],
  // 499 is nginx's "client closed request": the caller went away, nobody reads this answer.
  CANCELLED: [499, 'Cancelled'],
  RESOURCE_EXHAUSTED: [429, 'Too many requests'],
  CONFLICT: [409, 'Conflict'],
  NOT_FOUND: [404, 'Not found'],
  INTERNAL: [500, 'Internal error'],
  UNAUTHENTICATED: [401, 'Authentication required'],
  PERMISSION_DENIED: [403, 'Permission denied'],
  RATE_LIMITED: [429, 'Rate limit exceeded'],
  METHOD_NOT_ALLOWED: [405, 'Method not allowed'],
};

/** Which statuses each code can produce, for the OpenAPI responses. */
export function codesForStatus(status: number): ProblemCode[] {
  return (Object.keys(statusAndTitle) as ProblemCode[]).filter((code) => statusAndTitle[code][0] === status);
}

/** `urn:chipq:problem:model-not-found`: a stable type URI per code. */
function problemType(code: ProblemCode): string {
  return `urn:chipq:problem:${code.toLowerCase().replaceAll('_', '-')}`;
}

export function problemBody(
  code: ProblemCode,
  detail: string,
  extra: {
    instance: string;
    requestId?: string | undefined;
    errors?: FieldError[];
    details?: Record<string, unknown>;
    status?: number;
  },
): ProblemBody {
  const [status, title] = statusAndTitle[code];
  const body: ProblemBody = {
    type: problemType(code),
    title,
    status: extra.status ?? status,
    detail,
    instance: extra.instance,
    code,
  };
  if (extra.requestId !== undefined) body.request_id = extra.requestId;
  if (extra.errors !== undefined) body.errors = extra.errors;
  if (extra.details !== undefined && Object.keys(extra.details).length > 0) body.details = extra.details;
  return body;
}
