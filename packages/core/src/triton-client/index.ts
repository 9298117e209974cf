/**
 * @chipq/core/triton-client — the typed KServe v2 gRPC client the Triton engine is built on, for
 * callers who need Triton's own API (repository control, shared memory, raw inference). Its
 * signatures use chipq's KServe types, never grpc-js or generated ones.
 */
export type { TritonChannelOptions } from './channel/channel-options.js';
export type { CircuitBreakerOptions, CircuitState } from './channel/circuit-breaker.js';
export type { RetryOptions } from './channel/retry-policy.js';
export { createTritonClient } from './create-triton-client.js';
export type {
  TritonCallOptions,
  TritonClient,
  TritonClientOptions,
  TritonInferOptions,
  TritonInferResponse,
  TritonLoadOptions,
  TritonServerMetadata,
  TritonSharedMemoryRegion,
} from './triton-client.js';
