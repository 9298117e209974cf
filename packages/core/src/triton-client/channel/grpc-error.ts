/**
 * The one place where a grpc-js error becomes a ChipqError (CONVENTIONS.md §4, like nice-grpc's
 * `wrapClientError`). Every status code maps to one of our codes; where a status means different
 * things per RPC (NOT_FOUND for a model vs. anything else), the RPC context decides. The grpc-js
 * error stays as `cause`, with its code and details in `details` for logs.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { abortError } from '../../abort.js';
import { ChipqError, type ErrorCode } from '../../errors.js';

export interface GrpcErrorContext {
  /** RPC name as in the proto, e.g. `ModelInfer`. */
  rpc: string;
  /** `host:port` of the server. */
  target: string;
  /** The model the call was about, when it was about one. */
  model?: string;
  /** The caller's signal: an aborted signal explains a CANCELLED status. */
  signal?: AbortSignal;
}

interface GrpcLikeError {
  code: number;
  details?: string;
  message?: string;
}

function isGrpcError(error: unknown): error is GrpcLikeError {
  return (
    typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'number'
  );
}

/** Converts anything a gRPC call threw into a ChipqError (ChipqErrors pass through unchanged). */
export function fromGrpcError(error: unknown, context: GrpcErrorContext): ChipqError {
  if (error instanceof ChipqError) return error;
  if (context.signal?.aborted) return abortError(context.signal);
  if (!isGrpcError(error)) {
    return new ChipqError(
      'INTERNAL',
      `${context.rpc} to Triton at ${context.target} failed: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
  const detail = (error.details || error.message || '').trim();
  const code = codeFor(error.code, detail, context);
  const name = GrpcStatus[error.code] ?? String(error.code);
  return new ChipqError(code, `${context.rpc} to Triton at ${context.target}: ${detail || name}`, {
    cause: error,
    details: { grpcStatus: name, ...(context.model === undefined ? {} : { model: context.model }) },
  });
}

function codeFor(status: number, detail: string, context: GrpcErrorContext): ErrorCode {
  const aboutModel = context.model !== undefined;
  switch (status) {
    case GrpcStatus.CANCELLED:
      return 'CANCELLED';
    case GrpcStatus.DEADLINE_EXCEEDED:
      return 'DEADLINE_EXCEEDED';
    case GrpcStatus.UNAVAILABLE:
      return 'ENGINE_UNAVAILABLE';
    case GrpcStatus.NOT_FOUND:
      // Triton: "Request for unknown model: 'm' has no available versions" when the model is in
      // the repository but not loaded; "... is not found" when it is not there at all.
      if (!aboutModel) return 'NOT_FOUND';
      return /has no available versions/.test(detail) ? 'MODEL_NOT_READY' : 'MODEL_NOT_FOUND';
    case GrpcStatus.INVALID_ARGUMENT:
      // ModelStatistics: "requested model 'm' is not available" (unknown or not loaded).
      if (aboutModel && /is not available/.test(detail)) return 'MODEL_NOT_READY';
      // A load that fails on the repository's content (no versions, bad config).
      if (context.rpc === 'RepositoryModelLoad') return 'MODEL_CONFIG_INVALID';
      return 'INVALID_INPUT';
    case GrpcStatus.RESOURCE_EXHAUSTED:
      return 'RESOURCE_EXHAUSTED';
    case GrpcStatus.ALREADY_EXISTS:
    case GrpcStatus.ABORTED:
    case GrpcStatus.FAILED_PRECONDITION:
      return 'CONFLICT';
    case GrpcStatus.OUT_OF_RANGE:
      return 'INVALID_INPUT';
    case GrpcStatus.INTERNAL:
    case GrpcStatus.UNKNOWN:
      // Triton reports load failures (unknown model, bad override) as INTERNAL "failed to load".
      if (context.rpc === 'RepositoryModelLoad') return 'MODEL_CONFIG_INVALID';
      return context.rpc === 'ModelInfer' ? 'INFERENCE_FAILED' : 'INTERNAL';
    default:
      // UNIMPLEMENTED, UNAUTHENTICATED, PERMISSION_DENIED, DATA_LOSS: not a state the caller can fix.
      return 'INTERNAL';
  }
}
