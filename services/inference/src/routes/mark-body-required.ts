import { ChipqError } from '@chipq/core';

/**
 * Documents a request body as required after the route is registered. A route accepting both
 * multipart and JSON cannot declare `required: true` to @hono/zod-openapi: it would then run
 * both validators on every request, failing the JSON one on multipart bodies. The validators
 * are built at registration, so marking the shared `request.body` object afterwards changes
 * only the document; the handler itself rejects a request with neither body.
 */
export function markBodyRequired(route: { request?: { body?: object } }): void {
  const body = route.request?.body as { required?: boolean } | undefined;
  if (body !== undefined) body.required = true;
}

/** The handler's side: INVALID_INPUT naming `image`, for a request that sent neither body. */
export function missingBody(message: string): ChipqError {
  return new ChipqError('INVALID_INPUT', message, {
    details: { errors: [{ field: 'image', in: 'body', message: 'Required', code: 'invalid_type' }] },
  });
}
