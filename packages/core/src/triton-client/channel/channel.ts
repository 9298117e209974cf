/**
 * The transport layer of the Triton client: one grpc-js channel and the rules every call follows
 * (CONVENTIONS.md §4, §7) — a deadline on every call, cancellation through AbortSignal
 * (`call.cancel()`), W3C trace context in metadata, a connect wait and retries only where the
 * request cannot have taken effect (retry-policy.ts), a circuit breaker (circuit-breaker.ts), and
 * grpc-js errors converted in grpc-error.ts. Nothing above this file sees a grpc-js type.
 */
import { Client, connectivityState, credentials, type Metadata, type ServiceError } from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import type { HealthDefinition } from '../../../gen/triton/grpc/health/v1/Health.js';
import type { GRPCInferenceServiceDefinition } from '../../../gen/triton/inference/GRPCInferenceService.js';
import { abortError, throwIfAborted } from '../../abort.js';
import { ChipqError } from '../../errors.js';
import { callMetadata } from './call-metadata.js';
import type { ResolvedChannelOptions } from './channel-options.js';
import { CircuitBreaker, type CircuitState } from './circuit-breaker.js';
import { fromGrpcError } from './grpc-error.js';
import { loadTritonServices, type TritonServiceDefinitions } from './proto-loader.js';
import { backoffDelay, sleep } from './retry-policy.js';

/** `read`: idempotent, retried; `health`: a read that also probes an open breaker; `write`: sent at most once; `repository`: a write with the long repository deadline. */
export type RpcKind = 'read' | 'health' | 'write' | 'repository';

type Methods = GRPCInferenceServiceDefinition & { Check: HealthDefinition['Check'] };
export type RpcName = keyof Methods & string;
export type RequestOf<K extends RpcName> =
  Methods[K] extends MethodDefinition<infer Req, infer _Res, infer _OutReq, infer _OutRes> ? Req : never;
export type ResponseOf<K extends RpcName> =
  Methods[K] extends MethodDefinition<infer _Req, infer _Res, infer _OutReq, infer Res> ? Res : never;

export interface UnaryOptions {
  signal?: AbortSignal;
  /** Default: the channel's defaultTimeoutMs, or repositoryTimeoutMs for `repository` calls. */
  timeoutMs?: number;
  traceparent?: string;
  /** The model the call is about: turns NOT_FOUND into MODEL_NOT_FOUND. */
  model?: string;
}

/** A failed call and whether the server had started to answer (response headers seen). */
class CallFailure {
  constructor(
    readonly error: unknown,
    readonly headersReceived: boolean,
  ) {}
}

export class TritonChannel {
  readonly target: string;
  readonly #options: ResolvedChannelOptions;
  readonly #client: Client;
  readonly #methods: Methods;
  readonly #breaker: CircuitBreaker;
  #closed = false;

  constructor(options: ResolvedChannelOptions) {
    this.#options = options;
    this.target = options.url;
    const services: TritonServiceDefinitions = loadTritonServices(options.protoDir);
    this.#methods = { ...services.inference, Check: services.health.Check };
    this.#breaker = new CircuitBreaker(options.circuitBreaker);
    this.#client = new Client(options.url, credentials.createInsecure(), {
      'grpc.max_send_message_length': options.maxMessageBytes,
      'grpc.max_receive_message_length': options.maxMessageBytes,
      'grpc.keepalive_time_ms': options.keepaliveTimeMs,
      'grpc.keepalive_timeout_ms': options.keepaliveTimeoutMs,
      'grpc.keepalive_permit_without_calls': 0,
      'grpc.initial_reconnect_backoff_ms': Math.min(100, options.maxReconnectBackoffMs),
      'grpc.max_reconnect_backoff_ms': options.maxReconnectBackoffMs,
    });
  }

  get circuitState(): CircuitState {
    return this.#breaker.state;
  }

  /** Makes one unary call under the rules above and returns the decoded response. */
  async unary<K extends RpcName>(
    rpc: K,
    request: RequestOf<K>,
    kind: RpcKind,
    options: UnaryOptions = {},
  ): Promise<ResponseOf<K>> {
    const context = { rpc, target: this.target, model: options.model, signal: options.signal };
    if (this.#closed)
      throw new ChipqError('ENGINE_UNAVAILABLE', `the Triton client for ${this.target} is closed`);
    throwIfAborted(options.signal);
    const timeoutMs =
      options.timeoutMs ??
      (kind === 'repository' ? this.#options.repositoryTimeoutMs : this.#options.defaultTimeoutMs);
    const deadline = Date.now() + timeoutMs;
    const method = this.#methods[rpc] as unknown as MethodDefinition<
      RequestOf<K>,
      unknown,
      unknown,
      ResponseOf<K>
    >;
    const idempotent = kind === 'read' || kind === 'health';
    for (let attempt = 1; ; attempt++) {
      const token = this.#breaker.enter(this.target, kind === 'health');
      let sent = false;
      try {
        await this.#connected(deadline, options.signal);
        sent = true;
        const response = await this.#call(
          method,
          request,
          callMetadata(options.traceparent),
          deadline,
          options.signal,
        );
        this.#breaker.success(token);
        return response;
      } catch (thrown) {
        const failure = thrown instanceof CallFailure ? thrown : new CallFailure(thrown, false);
        const error = fromGrpcError(failure.error, context);
        const unavailable = error.code === 'ENGINE_UNAVAILABLE';
        this.#breaker.failure(token, unavailable);
        const safe = !sent || (idempotent && !failure.headersReceived);
        if (!unavailable || !safe || attempt >= this.#options.retry.maxAttempts) throw error;
        const delay = backoffDelay(attempt, this.#options.retry);
        if (Date.now() + delay >= deadline) throw error;
        await sleep(delay, options.signal);
      }
    }
  }

  /** Closes the channel; calls in flight fail with CANCELLED, later calls with ENGINE_UNAVAILABLE. */
  close(): void {
    this.#closed = true;
    this.#client.close();
  }

  /** Resolves once the channel is READY; rejects ENGINE_UNAVAILABLE after connectTimeoutMs, DEADLINE_EXCEEDED at the call deadline. */
  #connected(deadline: number, signal?: AbortSignal): Promise<void> {
    if (this.#client.getChannel().getConnectivityState(true) === connectivityState.READY)
      return Promise.resolve();
    const connectDeadline = Math.min(deadline, Date.now() + this.#options.connectTimeoutMs);
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(abortError(signal as AbortSignal));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#client.waitForReady(connectDeadline, (error) => {
        signal?.removeEventListener('abort', onAbort);
        if (!error) return resolve();
        if (connectDeadline >= deadline) {
          return reject(
            new ChipqError(
              'DEADLINE_EXCEEDED',
              `the deadline passed while connecting to Triton at ${this.target}`,
              { cause: error },
            ),
          );
        }
        reject(
          new ChipqError(
            'ENGINE_UNAVAILABLE',
            `cannot connect to Triton at ${this.target} within ${this.#options.connectTimeoutMs} ms`,
            {
              cause: error,
            },
          ),
        );
      });
    });
  }

  #call<Req, Res>(
    method: MethodDefinition<Req, unknown, unknown, Res>,
    request: Req,
    metadata: Metadata,
    deadline: number,
    signal?: AbortSignal,
  ): Promise<Res> {
    return new Promise((resolve, reject) => {
      let headersReceived = false;
      const onAbort = () => call.cancel();
      const call = this.#client.makeUnaryRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        request,
        metadata,
        { deadline },
        (error: ServiceError | null, response?: Res) => {
          signal?.removeEventListener('abort', onAbort);
          if (error || response === undefined) reject(new CallFailure(error, headersReceived));
          else resolve(response);
        },
      );
      call.on('metadata', () => {
        headersReceived = true;
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
