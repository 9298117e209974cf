/**
 * The typed Triton client: one method per KServe v2 RPC chipq uses, taking and returning chipq's
 * own types (no grpc-js or generated type in any signature). Three layers sit under it
 * (CONVENTIONS.md §4): the channel (channel.ts: deadlines, cancellation, keepalive, retries,
 * circuit breaker, trace context, error mapping), the codecs (tensor, config, responses), and the
 * typed methods (grpc-triton-client.ts).
 */
import type {
  InferRequest,
  ModelIndexEntry,
  ModelMetadata,
  ModelStatistics,
  Tensor,
} from '../engine/engine.js';
import type { ModelConfig } from '../model-repository/model-config.js';
import { TritonChannel } from './channel.js';
import { resolveChannelOptions, type TritonChannelOptions } from './channel-options.js';
import type { CircuitState } from './circuit-breaker.js';
import { GrpcTritonClient } from './grpc-triton-client.js';

/** Options of a Triton client; every field has a default (see TritonChannelOptions). */
export type TritonClientOptions = TritonChannelOptions;

export interface TritonCallOptions {
  /** Cancels the call (gRPC cancel) and rejects with CANCELLED, or DEADLINE_EXCEEDED for a timeout reason. */
  signal?: AbortSignal;
  /** Deadline in ms from now. Default: the client's defaultTimeoutMs (repositoryTimeoutMs for load/unload). */
  timeoutMs?: number;
  /** W3C trace context sent as `traceparent` metadata. Default: the active OpenTelemetry context, if any. */
  traceparent?: string;
}

export interface TritonServerMetadata {
  name: string;
  version: string;
  extensions: string[];
}

export interface TritonInferResponse {
  model: string;
  version: string;
  id: string;
  outputs: Tensor[];
}

export interface TritonLoadOptions extends TritonCallOptions {
  /** Replaces config.pbtxt for this load: a ModelConfig, or Triton's JSON form as a string. */
  config?: ModelConfig | string;
}

export interface TritonInferOptions extends TritonCallOptions {
  /**
   * Inputs whose bytes the caller already wrote into a registered system shared memory region:
   * input name -> region, offset and byte size. They travel as Triton's `shared_memory_*`
   * parameters instead of raw contents (the tensor's `data` is then only checked, not sent).
   */
  sharedMemory?: Readonly<Record<string, { region: string; offset: number; byteSize: number }>>;
}

export interface TritonSharedMemoryRegion {
  name: string;
  key: string;
  offset: number;
  byteSize: number;
}

export interface TritonClient {
  /** `host:port` this client talks to. */
  readonly target: string;
  /** `closed` normally; `open` while the server is considered unreachable; `half-open` when a probe may go. */
  readonly circuitState: CircuitState;
  serverLive(options?: TritonCallOptions): Promise<boolean>;
  serverReady(options?: TritonCallOptions): Promise<boolean>;
  /** The standard gRPC health check (`grpc.health.v1.Health/Check`, service ""). */
  healthCheck(
    options?: TritonCallOptions,
  ): Promise<'SERVING' | 'NOT_SERVING' | 'UNKNOWN' | 'SERVICE_UNKNOWN'>;
  serverMetadata(options?: TritonCallOptions): Promise<TritonServerMetadata>;
  /** Whether the model (version; default: per its version policy) is ready; false, not an error, for unknown models. */
  modelReady(name: string, version?: string, options?: TritonCallOptions): Promise<boolean>;
  modelMetadata(name: string, version?: string, options?: TritonCallOptions): Promise<ModelMetadata>;
  modelConfig(name: string, version?: string, options?: TritonCallOptions): Promise<ModelConfig>;
  /** One inference with raw tensors. Sent at most once: never retried after it may have reached Triton. */
  modelInfer(request: InferRequest, options?: TritonInferOptions): Promise<TritonInferResponse>;
  /** Statistics of one model (and version), or of every model when `name` is omitted or empty. */
  modelStatistics(name?: string, version?: string, options?: TritonCallOptions): Promise<ModelStatistics[]>;
  /** Every model in the repository (loaded or not); `ready` lists only models ready for inference. */
  repositoryIndex(options?: TritonCallOptions & { ready?: boolean }): Promise<ModelIndexEntry[]>;
  /** Loads or reloads a model (explicit model control); `config` overrides its config.pbtxt. */
  repositoryModelLoad(name: string, options?: TritonLoadOptions): Promise<void>;
  repositoryModelUnload(
    name: string,
    options?: TritonCallOptions & { unloadDependents?: boolean },
  ): Promise<void>;
  /** Registers a POSIX shared memory object (`/dev/shm/<key>`) as region `name`. */
  systemSharedMemoryRegister(region: TritonSharedMemoryRegion, options?: TritonCallOptions): Promise<void>;
  /** Unregisters region `name`, or every region when `name` is omitted. */
  systemSharedMemoryUnregister(name?: string, options?: TritonCallOptions): Promise<void>;
  systemSharedMemoryStatus(name?: string, options?: TritonCallOptions): Promise<TritonSharedMemoryRegion[]>;
  /** Closes the channel. Calls in flight fail; later calls fail with ENGINE_UNAVAILABLE. */
  close(): void;
}

/**
 * Creates a Triton client; the channel connects lazily on the first call.
 * @param options endpoint (default `127.0.0.1:8001`), deadlines, retries, breaker: see TritonChannelOptions.
 * @throws ChipqError INVALID_INPUT for invalid options.
 */
export function createTritonClient(options: TritonClientOptions = {}): TritonClient {
  return new GrpcTritonClient(new TritonChannel(resolveChannelOptions(options)));
}
