/**
 * The RFC 9457 problem+json body every error response carries, and a helper that declares the
 * error responses of a route in the OpenAPI document.
 */
import { errorCodes } from '@chipq/core';
import { z } from '@hono/zod-openapi';
import { accessErrorCodes } from '../http/access-error.js';
import { codesForStatus, problemContentType } from '../http/problem-details.js';

const FieldErrorSchema = z
  .object({
    field: z.string().openapi({ example: 'die_x' }),
    in: z.enum(['body', 'query', 'path', 'header']),
    message: z.string().openapi({ example: 'Invalid input: expected int, received string' }),
    code: z.string().openapi({ example: 'invalid_type' }),
  })
  .openapi('FieldError');

const ProblemSchema = z
  .object({
    type: z.string().openapi({
      description: 'A stable URI per code: `urn:chipq:problem:<code in kebab-case>`.',
      example: 'urn:chipq:problem:model-not-found',
    }),
    title: z.string().openapi({ example: 'Model not found' }),
    status: z.number().int().openapi({ example: 404 }),
    detail: z.string().openapi({ example: 'model "pcb_defect_detector" has no version 9' }),
    instance: z.string().openapi({ description: 'The request path.', example: '/api/v1/inference/predict' }),
    code: z.enum([...errorCodes, ...accessErrorCodes]).openapi({
      description: 'Stable machine-readable error code; switch on this, not on `title` or `detail`.',
    }),
    request_id: z
      .string()
      .optional()
      .openapi({ description: 'The `X-Request-Id` of the request (ours or yours).' }),
    errors: z.array(FieldErrorSchema).optional().openapi({
      description: 'For validation errors (INVALID_INPUT): every bad field, not just the first.',
    }),
    details: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ description: 'Structured context, e.g. `{ "model": "x", "version": "9" }`.' }),
  })
  .openapi('Problem', { description: 'An RFC 9457 problem details object (`application/problem+json`).' });

const descriptions: Record<number, string> = {
  400: 'Invalid request: the `errors` array lists every bad field.',
  404: 'Not found.',
  409: 'Conflicts with the resource state.',
  401: 'No API key, or one that is unknown or revoked: send `Authorization: Bearer <key>`.',
  403: 'The API key lacks the scope this operation needs.',
  413: 'Image or body larger than the limits.',
  415: 'Unsupported content type.',
  422: 'The image or model could not be used.',
  429: 'The engine queue is full, or the API key is over its rate limit; retry after the `Retry-After` delay.',
  499: 'The caller cancelled the request.',
  500: 'Internal error.',
  503: 'Engine, model or database not ready.',
  504: 'The inference deadline passed.',
};

/** OpenAPI `responses` entries for the given error statuses, each a Problem. */
export function problemResponses(...statuses: number[]) {
  const responses: Record<
    number,
    { description: string; content: Record<string, { schema: typeof ProblemSchema }> }
  > = {};
  for (const status of statuses) {
    const codes = codesForStatus(status);
    const suffix = codes.length > 0 ? ` Codes: ${codes.map((c) => `\`${c}\``).join(', ')}.` : '';
    responses[status] = {
      description: `${descriptions[status] ?? 'Error.'}${suffix}`,
      content: { [problemContentType]: { schema: ProblemSchema } },
    };
  }
  return responses;
}
