/**
 * Runs a shadow experiment's arms on an image after its answer was stored: off the request
 * path (queued, one at a time by default, so shadows never take more than their share of the
 * engine), results written to `experiment_shadow_results` and never returned or counted in any
 * verdict. When the queue is full the run is recorded as failed (RESOURCE_EXHAUSTED) rather than
 * silently dropped, so the agreement figures say how much was not compared.
 */
import { performance } from 'node:perf_hooks';
import type { Inspector } from '@chipq/core';
import { isChipqError } from '@chipq/core';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { Logger } from '../observability/logger.js';
import type { ServiceMetrics } from '../observability/service-metrics.js';
import { insertShadowResult, type NewShadowResult } from '../repositories/experiment-repository.js';
import { detectionColumns } from '../services/inference-record.js';
import type { ShadowArm } from './experiment-router.js';

export interface ShadowJob {
  /** The answered result the shadows are compared with. */
  inferenceId: string;
  experimentId: string;
  model: string;
  arms: ShadowArm[];
  image: Uint8Array;
  reference?: Uint8Array | undefined;
  confidenceThreshold?: number | undefined;
}

export interface ShadowRunnerOptions {
  db: Kysely<Database>;
  inspector: Inspector;
  logger: Logger;
  metrics: ServiceMetrics;
  /** Default confidence threshold (MODEL_CONFIDENCE_THRESHOLD). */
  confidenceThreshold: number;
  /** Deadline per shadow run, ms. */
  timeoutMs: number;
  /** Shadow runs at once. Default 1. */
  concurrency?: number;
  /** Jobs waiting before new ones are recorded as not run. Default 256. */
  maxPending?: number;
}

export class ShadowRunner {
  readonly #o: ShadowRunnerOptions;
  readonly #pending: ShadowJob[] = [];
  #active = 0;
  #stopped = false;
  readonly #idleWaiters: Array<() => void> = [];

  constructor(options: ShadowRunnerOptions) {
    this.#o = options;
  }

  /** Queues the job; returns at once. */
  schedule(job: ShadowJob): void {
    if (this.#stopped || this.#pending.length >= (this.#o.maxPending ?? 256)) {
      const why = this.#stopped ? 'the service was stopping' : 'the shadow queue was full';
      this.#track(
        Promise.all(
          job.arms.map((arm) =>
            this.#store(job, arm, {
              status: 'failed',
              verdict: null,
              detections: [],
              totalMs: null,
              error: { code: 'RESOURCE_EXHAUSTED', message: `shadow run skipped: ${why}` },
            }),
          ),
        ),
      );
      return;
    }
    this.#pending.push(job);
    this.#pump();
  }

  /** Resolves once nothing is queued or running (tests, shutdown). */
  idle(): Promise<void> {
    if (this.#active === 0 && this.#pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops taking jobs (later ones are recorded as skipped) and waits for those queued. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.idle();
  }

  #pump(): void {
    while (this.#active < (this.#o.concurrency ?? 1) && this.#pending.length > 0) {
      const job = this.#pending.shift() as ShadowJob;
      // Next macrotask: the answer's response goes out before the shadow takes the CPU.
      this.#track(new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.#run(job)));
    }
  }

  #track(work: Promise<unknown>): void {
    this.#active += 1;
    work
      .catch((error: unknown) => this.#o.logger.warn('could not store a shadow result', { error }))
      .finally(() => {
        this.#active -= 1;
        this.#pump();
        if (this.#active === 0 && this.#pending.length === 0)
          for (const wake of this.#idleWaiters.splice(0)) wake();
      });
  }

  async #run(job: ShadowJob): Promise<void> {
    for (const arm of job.arms) {
      const started = performance.now();
      try {
        const outcome = await this.#o.inspector.inspect({
          image: job.image,
          reference: job.reference,
          model: job.model,
          version: arm.version,
          confidenceThreshold: job.confidenceThreshold ?? this.#o.confidenceThreshold,
          timeoutMs: this.#o.timeoutMs,
        });
        this.#o.metrics.observeExperiment(
          outcome.model,
          arm.name,
          'shadow',
          'success',
          outcome.timings.totalMs / 1000,
        );
        await this.#store(job, arm, {
          status: 'completed',
          verdict: {
            status: outcome.verdict.status,
            rule: outcome.verdict.rule,
            reason: outcome.verdict.reason,
          },
          detections: detectionColumns(outcome),
          totalMs: outcome.timings.totalMs,
          error: null,
        });
      } catch (thrown) {
        this.#o.metrics.observeExperiment(
          { name: job.model, version: arm.version },
          arm.name,
          'shadow',
          'failure',
        );
        const error = isChipqError(thrown)
          ? { code: thrown.code, message: thrown.message }
          : { code: 'INTERNAL', message: thrown instanceof Error ? thrown.message : String(thrown) };
        await this.#store(job, arm, {
          status: 'failed',
          verdict: null,
          detections: [],
          totalMs: performance.now() - started,
          error,
        });
      }
    }
  }

  #store(
    job: ShadowJob,
    arm: ShadowArm,
    result: Pick<NewShadowResult, 'status' | 'verdict' | 'detections' | 'totalMs' | 'error'>,
  ): Promise<void> {
    return insertShadowResult(this.#o.db, {
      experimentId: job.experimentId,
      arm: arm.name,
      inferenceId: job.inferenceId,
      model: job.model,
      version: arm.version,
      ...result,
    });
  }
}
