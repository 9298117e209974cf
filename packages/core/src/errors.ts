/**
 * chipq's one error type. Every failure a caller can act on carries a `code` from a closed set
 * (CONVENTIONS.md §5); the service maps codes to HTTP status in exactly one place, the SDK
 * re-creates them from problem+json. Library errors (sharp, onnxruntime, grpc-js) are wrapped
 * where they happen and kept as `cause`.
 */
export const errorCodes = [
  /** Input is malformed or out of range (bad image, bad option, shape mismatch). */
  'INVALID_INPUT',
  /** The image could not be decoded or its format is not supported. */
  'UNSUPPORTED_IMAGE',
  /** The image exceeds the byte limit (`IMAGE_MAX_SIZE`). */
  'IMAGE_TOO_LARGE',
  /** A request body that is not one image exceeds its limit (a batch, a model upload). */
  'PAYLOAD_TOO_LARGE',
  /** The request's content type is not one the operation accepts. */
  'UNSUPPORTED_MEDIA_TYPE',
  /** The image is smaller than the model can inspect (`chipq.min_image_size`). */
  'IMAGE_TOO_SMALL',
  /** The image exceeds the pixel limit (decompression bomb guard). */
  'IMAGE_TOO_MANY_PIXELS',
  /** The reference image does not match the tested image's size. */
  'REFERENCE_MISMATCH',
  /** The model declares a reference input but none was given, or the reverse. */
  'REFERENCE_REQUIRED',
  /** No model (or no such version) in the repository. */
  'MODEL_NOT_FOUND',
  /** The model exists but is not loaded / not ready. */
  'MODEL_NOT_READY',
  /** A model repository file is invalid (config.pbtxt syntax, missing model file). */
  'MODEL_CONFIG_INVALID',
  /** The inference engine cannot be reached or is shutting down. */
  'ENGINE_UNAVAILABLE',
  /** The service's database cannot be reached (retry after a moment: nothing was stored). */
  'DATABASE_UNAVAILABLE',
  /** The engine rejected or failed the inference. */
  'INFERENCE_FAILED',
  /** The deadline passed before the work finished. */
  'DEADLINE_EXCEEDED',
  /** The caller aborted (AbortSignal). */
  'CANCELLED',
  /** The engine's queue is full. */
  'RESOURCE_EXHAUSTED',
  /** The resource exists but the request conflicts with its state. */
  'CONFLICT',
  /** The resource does not exist (a result id, a batch id). */
  'NOT_FOUND',
  /** A bug or an unexpected failure. */
  'INTERNAL',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface ChipqErrorOptions {
  cause?: unknown;
  /** Structured details for clients, e.g. `{ field: 'reference', expected: [640, 640] }`. */
  details?: Record<string, unknown>;
}

export class ChipqError extends Error {
  override readonly name = 'ChipqError';
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: ChipqErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}

export function isChipqError(value: unknown): value is ChipqError {
  return value instanceof ChipqError;
}
