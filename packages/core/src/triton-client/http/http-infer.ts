/**
 * ModelInfer over Triton's HTTP/REST protocol with the binary tensor data extension, on an
 * undici keep-alive pool: one JSON header (its length in `Inference-Header-Content-Length`)
 * followed by the raw input bytes, outputs asked back as raw bytes too. Measured here against
 * the gRPC client on the same Triton (pnpm bench, triton section), it ran 1.7x (a 640x640 pair)
 * to 2.6x (tiny tensors) the inferences per second, because nothing is protobuf-encoded and
 * undici's HTTP/1.1 path is lighter than grpc-js's HTTP/2 one.
 *
 * Only inference goes this way; the control plane (load, unload, config, statistics, shared
 * memory registration) stays on gRPC, whose client has the retries and breaker those need.
 * Errors map to the same codes as over gRPC (channel/grpc-error.ts), from Triton's HTTP status.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { Pool } from 'undici';
import { abortError } from '../../abort.js';
import { ChipqError } from '../../errors.js';
import type { InferRequest } from '../../kserve/kserve-types.js';
import { traceHeaders } from '../channel/call-metadata.js';
import { fromGrpcError } from '../channel/grpc-error.js';
import { decodeOutput, encodeInputs } from '../codec/tensor-codec.js';
import type { TritonInferOptions, TritonInferResponse } from '../triton-client.js';

export interface TritonHttpInferOptions {
  /** Triton's HTTP endpoint, `http://host:port` (Triton's default port is 8000). */
  url: string;
  /** Deadline of a call that gives none, in ms. */
  defaultTimeoutMs: number;
  /** Keep-alive connections kept to Triton; requests beyond them wait for one. Default 32. */
  connections?: number;
}

interface HttpOutput {
  name: string;
  datatype: string;
  shape: number[];
  parameters?: { binary_data_size?: number };
}

/** Triton's HTTP status for an error, as the gRPC status it stands for (same mapping, same codes). */
function grpcStatusOf(httpStatus: number, message: string): number {
  if (/unknown model/i.test(message)) return GrpcStatus.NOT_FOUND;
  switch (httpStatus) {
    case 400:
      return GrpcStatus.INVALID_ARGUMENT;
    case 404:
      return GrpcStatus.NOT_FOUND;
    case 409:
      return GrpcStatus.ALREADY_EXISTS;
    case 429:
      return GrpcStatus.RESOURCE_EXHAUSTED;
    case 499:
      return GrpcStatus.CANCELLED;
    case 501:
      return GrpcStatus.UNIMPLEMENTED;
    case 503:
      return GrpcStatus.UNAVAILABLE;
    case 504:
      return GrpcStatus.DEADLINE_EXCEEDED;
    default:
      return GrpcStatus.INTERNAL;
  }
}

export class TritonHttpInfer {
  readonly target: string;
  readonly #pool: Pool;
  readonly #defaultTimeoutMs: number;

  constructor(options: TritonHttpInferOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      url = new URL('invalid:');
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname.replace(/\/+$/, '') !== '') {
      throw new ChipqError(
        'INVALID_INPUT',
        `expected http://host:port for Triton's HTTP url, got ${JSON.stringify(options.url)}`,
      );
    }
    this.target = url.origin;
    this.#defaultTimeoutMs = options.defaultTimeoutMs;
    this.#pool = new Pool(url.origin, { connections: options.connections ?? 32, pipelining: 1 });
  }

  /** One inference. Sent at most once: never retried after it may have reached Triton. */
  async infer(request: InferRequest, options: TritonInferOptions = {}): Promise<TritonInferResponse> {
    const { inputs, raw } = encodeInputs(request.inputs, options.sharedMemory);
    let rawIndex = 0;
    const header = Buffer.from(
      JSON.stringify({
        ...(request.id === undefined ? {} : { id: request.id }),
        inputs: inputs.map((input) => {
          const ref = options.sharedMemory?.[input.name as string];
          const parameters = ref
            ? {
                shared_memory_region: ref.region,
                shared_memory_offset: ref.offset,
                shared_memory_byte_size: ref.byteSize,
              }
            : { binary_data_size: (raw[rawIndex++] as Buffer).byteLength };
          return { name: input.name, datatype: input.datatype, shape: input.shape, parameters };
        }),
        ...(request.outputs?.length
          ? { outputs: request.outputs.map((name) => ({ name, parameters: { binary_data: true } })) }
          : {}),
        parameters: {
          binary_data_output: true,
          ...(request.timeoutMicroseconds === undefined ? {} : { timeout: request.timeoutMicroseconds }),
        },
      }),
    );
    const version = request.version ? `/versions/${encodeURIComponent(request.version)}` : '';
    const path = `/v2/models/${encodeURIComponent(request.model)}${version}/infer`;
    const timeout = AbortSignal.timeout(options.timeoutMs ?? this.#defaultTimeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const context = { rpc: 'ModelInfer', target: this.target, model: request.model, signal };
    let status: number;
    let headers: Record<string, string | string[] | undefined>;
    let body: Buffer;
    try {
      const response = await this.#pool.request({
        method: 'POST',
        path,
        headers: {
          'content-type': 'application/octet-stream',
          'inference-header-content-length': String(header.byteLength),
          ...traceHeaders(options.traceparent ?? request.traceparent),
        },
        // One contiguous body: undici writes it in one go with a Content-Length.
        body: raw.length === 0 ? header : Buffer.concat([header, ...raw]),
        signal,
      });
      status = response.statusCode;
      headers = response.headers;
      body = Buffer.from(await response.body.arrayBuffer());
    } catch (error) {
      if (signal.aborted) throw abortError(signal);
      // Refused, reset or closed before an answer: the request may not have reached Triton.
      throw new ChipqError(
        'ENGINE_UNAVAILABLE',
        `ModelInfer to Triton at ${this.target} (HTTP) failed: ${(error as Error).message}`,
        { cause: error, details: { model: request.model } },
      );
    }
    const jsonLength = Number(headers['inference-header-content-length'] ?? body.byteLength);
    let answer: {
      model_name?: string;
      model_version?: string;
      id?: string;
      outputs?: HttpOutput[];
      error?: string;
    };
    try {
      answer = JSON.parse(body.subarray(0, jsonLength).toString('utf8'));
    } catch (error) {
      throw new ChipqError(
        'INFERENCE_FAILED',
        `Triton at ${this.target} answered ${status} without a JSON header`,
        {
          cause: error,
        },
      );
    }
    if (status !== 200) {
      const message = answer.error ?? `HTTP ${status}`;
      throw fromGrpcError({ code: grpcStatusOf(status, message), details: message }, context);
    }
    const model = answer.model_name ?? request.model;
    let offset = jsonLength;
    const outputs = (answer.outputs ?? []).map((output) => {
      const size = output.parameters?.binary_data_size;
      if (size === undefined) {
        throw new ChipqError(
          'INFERENCE_FAILED',
          `output '${output.name}' of model '${model}' came back as JSON, not binary`,
        );
      }
      const bytes = body.subarray(offset, offset + size);
      offset += size;
      return decodeOutput(output, bytes, model);
    });
    return { model, version: answer.model_version ?? '', id: answer.id ?? '', outputs };
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}
