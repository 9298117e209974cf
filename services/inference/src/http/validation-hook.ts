/**
 * Replaces @hono/zod-openapi's default validation answer (zod's raw error, 400) with a
 * ChipqError INVALID_INPUT listing every bad field, so it leaves through the one `onError` as
 * problem+json like every other failure.
 */
import { ChipqError } from '@chipq/core';
import type { FieldError } from './problem-details.js';

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

/** Converts zod issues into our field errors (`field` is the dotted path, `(root)` for the body itself). */
function fieldErrors(target: string, issues: NonNullable<HookResult['error']>['issues']): FieldError[] {
  const where = locations[target as keyof typeof locations] ?? 'body';
  return issues.map((issue) => ({
    field: issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.'),
    in: where,
    message: issue.message,
    code: issue.code,
  }));
}

/** The `defaultHook` for every OpenAPIHono in the service. */
export function validationHook(result: HookResult): void {
  if (result.success || result.error === undefined) return;
  const errors = fieldErrors(result.target, result.error.issues);
  const fields = [...new Set(errors.map((e) => e.field))].join(', ');
  throw new ChipqError('INVALID_INPUT', `invalid request: ${errors.length} problem(s) with ${fields}`, {
    details: { errors },
  });
}
