/**
 * Replaces @hono/zod-openapi's default validation answer (zod's raw error, 400) with a
 * ChipqError INVALID_INPUT listing every bad field, so it leaves through the one `onError` as
 * problem+json like every other failure.
 */
import { ChipqError } from '@chipq/core';
import { escapeControls, type FieldError } from './problem-details.js';

const locations = {
  json: 'body',
  form: 'body',
  query: 'query',
  param: 'path',
  header: 'header',
  cookie: 'header',
} as const;

interface HookResult {
  success: boolean;
  target: string;
  error?: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string; code: string }> };
}

type Issues = NonNullable<HookResult['error']>['issues'];

/**
 * Converts zod issues into our field errors: `field` is the dotted path (after `prefix`, when
 * the value was found inside another field), `(root)` for the body itself; a path segment that
 * came from the request (a tag key) is echoed with its control characters escaped.
 */
export function fieldErrors(
  where: FieldError['in'],
  issues: Issues,
  prefix: ReadonlyArray<PropertyKey> = [],
): FieldError[] {
  return issues.map((issue) => {
    const path = [...prefix, ...issue.path];
    return {
      field: path.length === 0 ? '(root)' : path.map((segment) => escapeControls(String(segment))).join('.'),
      in: where,
      message: issue.message,
      code: issue.code,
    };
  });
}

/** INVALID_INPUT listing every bad field. */
export function invalidFields(errors: FieldError[]): ChipqError {
  const fields = [...new Set(errors.map((e) => e.field))].join(', ');
  return new ChipqError('INVALID_INPUT', `invalid request: ${errors.length} problem(s) with ${fields}`, {
    details: { errors },
  });
}

/** The `defaultHook` for every OpenAPIHono in the service. */
export function validationHook(result: HookResult): void {
  if (result.success || result.error === undefined) return;
  const where = locations[result.target as keyof typeof locations] ?? 'body';
  throw invalidFields(fieldErrors(where, result.error.issues));
}
