/**
 * The gRPC implementation of TritonClient: pairs each KServe v2 RPC with its codec. Transport
 * rules (deadlines, cancel, retries, breaker, error mapping) live in channel.ts; message
 * conversion in the codecs.
 */

import { ChipqError } from '../errors.js';
import type {
  InferRequest,
  ModelIndexEntry,
  ModelMetadata,
  ModelStatistics,
} from '../kserve/kserve-types.js';
import type { ModelConfig } from '../model-repository/model-config.js';
import { modelConfigToJson } from '../model-repository/model-config-json.js';
import type {
  RequestOf,
  ResponseOf,
  RpcKind,
  RpcName,
  TritonChannel,
  UnaryOptions,
} from './channel/channel.js';
import type { CircuitState } from './channel/circuit-breaker.js';
import { modelConfigFromProto } from './codec/model-config-codec.js';
import {
  modelMetadataFromProto,
  modelStatisticsFromProto,
  repositoryIndexFromProto,
} from './codec/response-codec.js';
import { decodeOutputs, encodeInputs } from './codec/tensor-codec.js';
import type {
  TritonCallOptions,
  TritonClient,
  TritonInferOptions,
  TritonInferResponse,
  TritonLoadOptions,
  TritonServerMetadata,
  TritonSharedMemoryRegion,
} from './triton-client.js';

export class GrpcTritonClient implements TritonClient {
  readonly #channel: TritonChannel;

  constructor(channel: TritonChannel) {
    this.#channel = channel;
  }

  /** `host:port` this client talks to. */
  get target(): string {
    return this.#channel.target;
  }

  /** `closed` normally; `open` while the server is considered unreachable; `half-open` when a probe may go. */
  get circuitState(): CircuitState {
    return this.#channel.circuitState;
  }

  async serverLive(options?: TritonCallOptions): Promise<boolean> {
    return (await this.#unary('ServerLive', {}, 'health', options)).live;
  }

  async serverReady(options?: TritonCallOptions): Promise<boolean> {
    return (await this.#unary('ServerReady', {}, 'health', options)).ready;
  }

  /** The standard gRPC health check (`grpc.health.v1.Health/Check`, service ""). */
  async healthCheck(
    options?: TritonCallOptions,
  ): Promise<'SERVING' | 'NOT_SERVING' | 'UNKNOWN' | 'SERVICE_UNKNOWN'> {
    return (await this.#unary('Check', { service: '' }, 'health', options)).status;
  }

  async serverMetadata(options?: TritonCallOptions): Promise<TritonServerMetadata> {
    const response = await this.#unary('ServerMetadata', {}, 'read', options);
    return { name: response.name, version: response.version, extensions: [...response.extensions] };
  }

  /** Whether the model (version; default: per its version policy) is ready. False, not an error, for unknown models. */
  async modelReady(name: string, version = '', options?: TritonCallOptions): Promise<boolean> {
    return (await this.#unary('ModelReady', { name, version }, 'read', options, name)).ready;
  }

  async modelMetadata(name: string, version = '', options?: TritonCallOptions): Promise<ModelMetadata> {
    return modelMetadataFromProto(
      await this.#unary('ModelMetadata', { name, version }, 'read', options, name),
    );
  }

  async modelConfig(name: string, version = '', options?: TritonCallOptions): Promise<ModelConfig> {
    const response = await this.#unary('ModelConfig', { name, version }, 'read', options, name);
    if (!response.config) throw new ChipqError('INTERNAL', `Triton returned no config for model ${name}`);
    return modelConfigFromProto(response.config);
  }

  /** Runs one inference with raw tensors. Sent at most once: never retried after it may have reached Triton. */
  async modelInfer(request: InferRequest, options?: TritonInferOptions): Promise<TritonInferResponse> {
    const { inputs, raw } = encodeInputs(request.inputs, options?.sharedMemory);
    const response = await this.#unary(
      'ModelInfer',
      {
        model_name: request.model,
        model_version: request.version ?? '',
        id: request.id ?? '',
        inputs,
        outputs: (request.outputs ?? []).map((name) => ({ name })),
        raw_input_contents: raw,
        ...(request.timeoutMicroseconds === undefined
          ? {}
          : { parameters: { timeout: { int64_param: request.timeoutMicroseconds } } }),
      },
      'write',
      {
        signal: options?.signal,
        timeoutMs: options?.timeoutMs,
        traceparent: options?.traceparent ?? request.traceparent,
      },
      request.model,
    );
    return {
      model: response.model_name,
      version: response.model_version,
      id: response.id,
      outputs: decodeOutputs(response),
    };
  }

  /** Statistics of one model (and version), or of every model when `name` is omitted. */
  async modelStatistics(name = '', version = '', options?: TritonCallOptions): Promise<ModelStatistics[]> {
    const response = await this.#unary(
      'ModelStatistics',
      { name, version },
      'read',
      options,
      name || undefined,
    );
    return response.model_stats.map(modelStatisticsFromProto);
  }

  /** Every model in the repository (loaded or not); `ready` lists only models ready for inference. */
  async repositoryIndex(options?: TritonCallOptions & { ready?: boolean }): Promise<ModelIndexEntry[]> {
    const response = await this.#unary(
      'RepositoryIndex',
      { repository_name: '', ready: options?.ready ?? false },
      'read',
      options,
    );
    return repositoryIndexFromProto(response);
  }

  /** Loads or reloads a model (explicit model control); `config` overrides its config.pbtxt. */
  async repositoryModelLoad(name: string, options?: TritonLoadOptions): Promise<void> {
    const config = options?.config;
    const json =
      config === undefined
        ? undefined
        : typeof config === 'string'
          ? config
          : JSON.stringify(modelConfigToJson(config));
    const parameters: Record<string, { string_param: string }> =
      json === undefined ? {} : { config: { string_param: json } };
    await this.#unary(
      'RepositoryModelLoad',
      { repository_name: '', model_name: name, parameters },
      'repository',
      options,
      name,
    );
  }

  async repositoryModelUnload(
    name: string,
    options?: TritonCallOptions & { unloadDependents?: boolean },
  ): Promise<void> {
    const parameters: Record<string, { bool_param: boolean }> = options?.unloadDependents
      ? { unload_dependents: { bool_param: true } }
      : {};
    await this.#unary(
      'RepositoryModelUnload',
      { repository_name: '', model_name: name, parameters },
      'repository',
      options,
      name,
    );
  }

  /** Registers a POSIX shared memory object (`/dev/shm/<key>`) as region `name`. */
  async systemSharedMemoryRegister(
    region: TritonSharedMemoryRegion,
    options?: TritonCallOptions,
  ): Promise<void> {
    const { name, key, offset, byteSize } = region;
    await this.#unary(
      'SystemSharedMemoryRegister',
      { name, key, offset, byte_size: byteSize },
      'write',
      options,
    );
  }

  /** Unregisters region `name`, or every region when `name` is omitted. */
  async systemSharedMemoryUnregister(name = '', options?: TritonCallOptions): Promise<void> {
    await this.#unary('SystemSharedMemoryUnregister', { name }, 'write', options);
  }

  async systemSharedMemoryStatus(
    name = '',
    options?: TritonCallOptions,
  ): Promise<TritonSharedMemoryRegion[]> {
    const response = await this.#unary('SystemSharedMemoryStatus', { name }, 'read', options);
    return Object.values(response.regions).map((r) => ({
      name: r.name,
      key: r.key,
      offset: Number(r.offset),
      byteSize: Number(r.byte_size),
    }));
  }

  /** Closes the channel. Calls in flight fail; later calls fail with ENGINE_UNAVAILABLE. */
  close(): void {
    this.#channel.close();
  }

  #unary<K extends RpcName>(
    rpc: K,
    request: RequestOf<K>,
    kind: RpcKind,
    options: TritonCallOptions | undefined,
    model?: string,
  ): Promise<ResponseOf<K>> {
    const unaryOptions: UnaryOptions = { ...options };
    if (model !== undefined) unaryOptions.model = model;
    return this.#channel.unary(rpc, request, kind, unaryOptions);
  }
}
