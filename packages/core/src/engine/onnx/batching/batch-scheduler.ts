/**
 * A queue of inference requests for one model version and the instances that run them. It knows
 * nothing of ONNX Runtime: the engine gives it an `execute` function (run these payloads as one
 * batch on instance i) and a clock. Batches are formed by `decideBatch`; each instance runs one
 * batch at a time, as a Triton model instance does.
 *
 * A request leaves the queue without running when its signal aborts (CANCELLED) or its deadline
 * passes (DEADLINE_EXCEEDED). If that happens while its batch runs, the caller is answered at once
 * and the batch's result for it is dropped: the other requests of the batch are unaffected.
 *
 * The queue policy bounds the queue as Triton's does (see queue-policy.ts): a full queue refuses
 * a request at once, and a request that waits past its queue timeout is refused (REJECT) or moved
 * behind every request that has not timed out (DELAY). Both refusals are RESOURCE_EXHAUSTED, which
 * callers answer with "retry later".
 */
import { context, type SpanContext, trace } from '@opentelemetry/api';

import { abortError } from '../../../abort.js';
import { ChipqError } from '../../../errors.js';
import { type BatchPolicy, decideBatch } from './batch-policy.js';
import { type Clock, systemClock } from './clock.js';
import { type QueuePolicy, queueTimeoutMs, unlimitedQueuePolicy } from './queue-policy.js';

export interface BatchSchedulerOptions<P, R> {
  policy: BatchPolicy;
  /** Queue limit and timeouts; default none (Triton's default). */
  queuePolicy?: QueuePolicy;
  /** Instances that each run one batch at a time (instance_group count). */
  instances: number;
  /** Runs `payloads` as one batch on instance `instance`; one result per payload, in order. */
  execute: (payloads: P[], instance: number) => Promise<R[]>;
  /** Default: the system clock. */
  clock?: Clock;
}

export interface SubmitOptions {
  /** Batch elements in the request (dim 0; 1 when the model does not batch). */
  batchSize: number;
  /** Requests batch together only when their shape keys are equal. */
  shapeKey: string;
  signal?: AbortSignal;
  /** Clock time after which the request fails with DEADLINE_EXCEEDED. */
  deadline?: number;
  /** The request's own queue timeout (Triton's `timeout` parameter), honoured when the policy allows. */
  timeoutMs?: number;
}

export interface Scheduled<R> {
  result: R;
  /** Time from submit to the start of its batch, in milliseconds. */
  queueMs: number;
  /** Batch elements in the execution that ran this request (its own and its batch-mates'). */
  batchSize: number;
}

interface Entry<P, R> extends SubmitOptions {
  payload: P;
  enqueuedAt: number;
  /** The submitter's span, linked from the batch's span. */
  span: SpanContext | undefined;
  settled: boolean;
  /** Timed out under a DELAY policy: it waits behind every request that has not. */
  delayed: boolean;
  resolve: (value: Scheduled<R>) => void;
  reject: (error: unknown) => void;
  cleanup: () => void;
}

// Looked up at each use, not once at import: an SDK registered later (often through another copy
// of @opentelemetry/api, CJS beside ESM) never reaches a tracer taken before it.
const tracer = () => trace.getTracer('@chipq/core');

export class BatchScheduler<P, R> {
  readonly #options: BatchSchedulerOptions<P, R>;
  readonly #clock: Clock;
  readonly #queuePolicy: QueuePolicy;
  readonly #queue: Array<Entry<P, R>> = [];
  readonly #free: number[];
  #running = 0;
  #closedWith: Error | undefined;
  #timer: { until: number; cancel: () => void } | undefined;
  #idleWaiters: Array<() => void> = [];

  constructor(options: BatchSchedulerOptions<P, R>) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#queuePolicy = options.queuePolicy ?? unlimitedQueuePolicy;
    this.#free = Array.from({ length: Math.max(1, options.instances) }, (_, index) => index);
  }

  /** Requests waiting for a batch. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Queues `payload`; resolves with its result when its batch has run. */
  submit(payload: P, options: SubmitOptions): Promise<Scheduled<R>> {
    if (this.#closedWith) return Promise.reject(this.#closedWith);
    if (options.signal?.aborted) return Promise.reject(abortError(options.signal));
    const { maxQueueSize } = this.#queuePolicy;
    if (maxQueueSize > 0 && this.#queue.length >= maxQueueSize) {
      return Promise.reject(
        new ChipqError(
          'RESOURCE_EXHAUSTED',
          `the queue is full (max_queue_size ${maxQueueSize}); retry later`,
          {
            details: { max_queue_size: maxQueueSize },
          },
        ),
      );
    }
    return new Promise<Scheduled<R>>((resolve, reject) => {
      const entry: Entry<P, R> = {
        ...options,
        payload,
        enqueuedAt: this.#clock.now(),
        span: trace.getSpanContext(context.active()),
        settled: false,
        delayed: false,
        resolve,
        reject,
        cleanup: () => {},
      };
      const onAbort = () => this.#fail(entry, abortError(options.signal as AbortSignal));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const cancelDeadline =
        options.deadline === undefined
          ? undefined
          : this.#clock.setTimer(
              () =>
                this.#fail(
                  entry,
                  new ChipqError('DEADLINE_EXCEEDED', 'the deadline passed before the inference finished'),
                ),
              options.deadline - entry.enqueuedAt,
            );
      const timeoutMs = queueTimeoutMs(this.#queuePolicy, options.timeoutMs);
      const cancelQueueTimeout =
        timeoutMs > 0 ? this.#clock.setTimer(() => this.#timedOut(entry, timeoutMs), timeoutMs) : undefined;
      entry.cleanup = () => {
        options.signal?.removeEventListener('abort', onAbort);
        cancelDeadline?.();
        cancelQueueTimeout?.();
      };
      // Fresh requests go ahead of delayed ones (timed out under DELAY).
      const firstDelayed = this.#queue.findIndex((queued) => queued.delayed);
      if (firstDelayed < 0) this.#queue.push(entry);
      else this.#queue.splice(firstDelayed, 0, entry);
      this.#pump();
    });
  }

  /** Fails every queued request with `error` and every later submit; running batches finish. */
  close(error: Error): void {
    this.#closedWith ??= error;
    for (const entry of this.#queue.splice(0)) this.#settle(entry, () => entry.reject(error));
    this.#disarm();
    this.#notifyIdle();
  }

  /** Resolves when nothing is queued or running (use after `close` to release instances). */
  whenIdle(): Promise<void> {
    if (this.#queue.length === 0 && this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #fail(entry: Entry<P, R>, error: ChipqError): void {
    const index = this.#queue.indexOf(entry);
    if (index >= 0) this.#queue.splice(index, 1);
    this.#settle(entry, () => entry.reject(error));
    // The head may have changed, and with it the batch window.
    if (index >= 0) this.#pump();
  }

  /** The queue timeout of `entry` passed; a request already running is not affected. */
  #timedOut(entry: Entry<P, R>, timeoutMs: number): void {
    const index = this.#queue.indexOf(entry);
    if (index < 0) return;
    if (this.#queuePolicy.timeoutAction === 'REJECT') {
      this.#fail(
        entry,
        new ChipqError(
          'RESOURCE_EXHAUSTED',
          `the request waited ${timeoutMs} ms in the queue without running; retry later`,
          {
            details: { queue_timeout_ms: timeoutMs },
          },
        ),
      );
      return;
    }
    this.#queue.splice(index, 1);
    entry.delayed = true;
    this.#queue.push(entry);
    this.#pump();
  }

  #settle(entry: Entry<P, R>, answer: () => void): void {
    if (entry.settled) return;
    entry.settled = true;
    entry.cleanup();
    answer();
  }

  #pump(): void {
    while (this.#free.length > 0) {
      const decision = decideBatch(this.#queue, this.#options.policy, this.#clock.now());
      if (decision.action === 'idle') break;
      if (decision.action === 'wait') {
        // The batch window stays open: keep the timer, skip the idle bookkeeping below.
        this.#arm(decision.until);
        return;
      }
      this.#dispatch(this.#queue.splice(0, decision.count), this.#free.shift() as number);
    }
    this.#disarm();
    this.#notifyIdle();
  }

  #dispatch(batch: Array<Entry<P, R>>, instance: number): void {
    const startedAt = this.#clock.now();
    const batchSize = batch.reduce((sum, entry) => sum + entry.batchSize, 0);
    // One span per execution, linked to each request's span (a no-op without an OpenTelemetry SDK).
    const span = tracer().startSpan('batch', {
      root: true,
      attributes: {
        'chipq.batch.size': batchSize,
        'chipq.batch.requests': batch.length,
        'chipq.instance': instance,
      },
      links: batch.flatMap((entry) => (entry.span === undefined ? [] : [{ context: entry.span }])),
    });
    this.#running += 1;
    const run = Promise.resolve().then(() =>
      this.#options.execute(
        batch.map((entry) => entry.payload),
        instance,
      ),
    );
    run
      .then(
        (results) => {
          batch.forEach((entry, index) => {
            const result = results[index] as R;
            this.#settle(entry, () =>
              entry.resolve({ result, queueMs: startedAt - entry.enqueuedAt, batchSize }),
            );
          });
        },
        (error: unknown) => {
          for (const entry of batch) this.#settle(entry, () => entry.reject(error));
        },
      )
      .finally(() => {
        span.end();
        this.#running -= 1;
        this.#free.push(instance);
        this.#free.sort((a, b) => a - b);
        this.#pump();
      });
  }

  #arm(until: number): void {
    if (this.#timer?.until === until) return;
    this.#disarm();
    const cancel = this.#clock.setTimer(() => {
      this.#timer = undefined;
      this.#pump();
    }, until - this.#clock.now());
    this.#timer = { until, cancel };
  }

  #disarm(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  #notifyIdle(): void {
    if (this.#queue.length > 0 || this.#running > 0) return;
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }
}
