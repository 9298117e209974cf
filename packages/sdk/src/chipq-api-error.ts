// The one error type for answers the service refused: the RFC 9457 problem+json body, typed,
// with its stable `code` (CONVENTIONS.md §5). Converting a response into it happens only in
// `ChipqApiError.from`, so every method reports failures the same way.
import type { FieldError, Problem, ProblemCode } from './types.js';

/** An HTTP error answer of the chipq service. `code` is from the closed set in the OpenAPI document. */
export class ChipqApiError extends Error {
  override readonly name = 'ChipqApiError';
  /** HTTP status (400, 404, 503, ...). */
  readonly status: number;
  /** Stable machine code, e.g. `MODEL_NOT_FOUND`; `INTERNAL` when the body was not problem+json. */
  readonly code: ProblemCode;
  readonly title: string;
  readonly detail: string;
  /** Every bad field of a validation error; empty otherwise. */
  readonly errors: FieldError[];
  /** The service's request id, to quote in a bug report. */
  readonly requestId: string | undefined;
  /** The whole body as received (undefined when it was not JSON). */
  readonly problem: Problem | undefined;

  constructor(
    status: number,
    problem: Problem | undefined,
    fallbackDetail = '',
    options?: { cause?: unknown },
  ) {
    const title = problem?.title ?? `HTTP ${status}`;
    const detail = problem?.detail ?? fallbackDetail;
    super(`${title}${detail ? `: ${detail}` : ''} (${problem?.code ?? 'INTERNAL'}, HTTP ${status})`, options);
    this.status = status;
    this.code = problem?.code ?? 'INTERNAL';
    this.title = title;
    this.detail = detail;
    this.errors = problem?.errors ?? [];
    this.requestId = problem?.request_id;
    this.problem = problem;
  }

  /** Builds the error from a non-2xx response and the body openapi-fetch already parsed. */
  static from(response: Response, body: unknown): ChipqApiError {
    if (isProblem(body)) return new ChipqApiError(response.status, body);
    const text = typeof body === 'string' ? body.slice(0, 500) : response.statusText;
    return new ChipqApiError(response.status, undefined, text, { cause: body });
  }
}

function isProblem(body: unknown): body is Problem {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as { code?: unknown }).code === 'string' &&
    typeof (body as { status?: unknown }).status === 'number'
  );
}
