/**
 * The typed Triton client: one method per KServe v2 RPC chipq uses, taking and returning chipq's
 * own KServe v2 types (`kserve/`; no grpc-js, generated or engine type in any signature). Three
 * layers sit under it (CONVENTIONS.md §4): the channel (`channel/`: deadlines, cancellation,
 * keepalive, retries, circuit breaker, trace context, error mapping), the codecs (`codec/`:
 * tensors, configs, responses), and the typed methods (grpc-triton-client.ts). The client never
 * imports the engine; the Triton engine (`engine/triton/`) is built on it.
 */
import type {
  InferRequest,
  ModelIndexEntry,
  ModelMetadata,
  ModelStatistics,
  Tensor,
} from '../kserve/kserve-types.js';
import type { ModelConfig } from '../model-repository/model-config.js';
import type { TritonChannelOptions } from './channel/channel-options.js';
import type { CircuitState } from './channel/circuit-breaker.js';

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
