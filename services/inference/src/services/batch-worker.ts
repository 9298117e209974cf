/**
 * The background worker that drains the batch queue. It claims items from PostgreSQL with
 * `FOR UPDATE SKIP LOCKED` under a lease, keeps up to `concurrency` of them in flight so the
 * engine's dynamic batching can group them, renews its leases on a heartbeat, and stores each
 * outcome behind an owner-and-status guard (see batch-queue-repository.ts). On stop it lets
 * in-flight items finish for a while, then aborts the rest and returns them to the queue.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { ChipqError, isChipqError } from '@chipq/core';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { isDatabaseUnavailable } from '../db/database-availability.js';
import type { EventOutbox } from '../events/event-outbox.js';
import type { ShadowRunner } from '../experiments/shadow-runner.js';
import type { Logger } from '../observability/logger.js';
import type { ServiceMetrics } from '../observability/service-metrics.js';
import { timedStore } from '../observability/timed-store.js';
import {
  type ClaimedItem,
  claimBatchItems,
  deferBatchItem,
  finishBatchItem,
  releaseBatchItems,
  renewLeases,
} from '../repositories/batch-queue-repository.js';
import type { BatchFinishedHook } from '../repositories/batch-repository.js';
import { insertInference } from '../repositories/inference-repository.js';
import type { BlobStore } from '../storage/blob-store.js';
import { collectBlobs } from '../storage/collect-blobs.js';
import { batchCompletedHook } from './batch-event.js';
import { batchItemRecord } from './batch-item-record.js';
import { completedRecord, failedRecord } from './inference-record.js';
import { inspectionCompletedEvent } from './inspection-event.js';
import type { InspectionRun, InspectionRunner } from './inspection-runner.js';

export interface BatchWorkerOptions {
  db: Kysely<Database>;
  blobs: BlobStore;
  run: InspectionRunner;
  logger: Logger;
  metrics: ServiceMetrics;
  /** Runs shadow experiment arms after an item's result is stored. */
  shadows?: ShadowRunner | undefined;
  /** Each completed item's `chipq.inspection.completed` (and the batch's `chipq.batch.completed`) commit with it. */
  events: EventOutbox;
  /** Items in flight at once, default 8. */
  concurrency?: number;
  /**
   * Lease on a claimed item, default 10 s, renewed by a heartbeat every third of it: an item
   * orphaned by a crash is claimed again within one lease of the crash.
   */
  leaseMs?: number;
  /** Claims an item may take before it is failed as poison (its worker died each time), default 3. */
  maxAttempts?: number;
  /** How long an item waits before a retry when its model is not loaded or its engine is unreachable, default 2 s. */
  retryDelayMs?: number;
  /** How often to look for work when idle (other replicas' batches, expired leases), default 1 s. */
  pollMs?: number;
  /** This worker's id in `lease_owner`, default `<host>:<pid>:<random>`. */
  owner?: string;
  /** How often to delete queued images no unfinished item needs, default 10 min. */
  blobGcIntervalMs?: number;
  /** Keeps each inspected image past its item (IMAGE_STORE_DIR, see image-keeper.ts); default: not kept. */
  keepImages?: (image: Uint8Array, reference: Uint8Array | undefined) => Promise<void>;
}

type AbortReason = 'cancelled' | 'shutdown' | 'lease-lost';

interface InFlight {
  batchId: string;
  controller: AbortController;
  done: Promise<void>;
}

export class BatchWorker {
  readonly owner: string;
  readonly #o: Required<Omit<BatchWorkerOptions, 'owner' | 'shadows'>> & Pick<BatchWorkerOptions, 'shadows'>;
  readonly #inFlight = new Map<string, InFlight>();
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  /** Set by notify(); a wake-up that comes while the loop is claiming makes it look again. */
  #wakeRequested = false;
  #heartbeat: NodeJS.Timeout | undefined;
  #gc: NodeJS.Timeout | undefined;
  readonly #batchFinished: BatchFinishedHook;
  /** Items this worker stored an outcome for (tests and logs). */
  processed = 0;

  constructor(options: BatchWorkerOptions) {
    this.owner = options.owner ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.#o = {
      concurrency: 8,
      leaseMs: 10_000,
      maxAttempts: 3,
      retryDelayMs: 2000,
      pollMs: 1000,
      blobGcIntervalMs: 600_000,
      keepImages: async () => undefined,
      ...options,
    };
    this.#batchFinished = batchCompletedHook(options.events);
  }

  get inFlightCount(): number {
    return this.#inFlight.size;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#heartbeat = setInterval(() => void this.#renew(), Math.max(100, this.#o.leaseMs / 3));
    this.#heartbeat.unref();
    this.#gc = setInterval(() => {
      collectBlobs(this.#o.db, this.#o.blobs).catch((error: unknown) =>
        this.#o.logger.warn('could not collect blobs', { error }),
      );
    }, this.#o.blobGcIntervalMs);
    this.#gc.unref();
    this.#loop = this.#run();
  }

  /** Wakes the loop now (a batch was just created here). */
  notify(): void {
    this.#wakeRequested = true;
    this.#wake?.();
  }

  /** Aborts this replica's in-flight items of a batch; returns how many were aborted. */
  abortBatch(batchId: string): number {
    let aborted = 0;
    for (const entry of this.#inFlight.values()) {
      if (entry.batchId === batchId && !entry.controller.signal.aborted) {
        entry.controller.abort(reasonError('cancelled'));
        aborted += 1;
      }
    }
    return aborted;
  }

  /**
   * Stops claiming, waits up to `drainMs` (default 10 s) for in-flight items, then aborts the
   * rest and puts them back in the queue for the next replica or restart.
   */
  async stop(options: { drainMs?: number } = {}): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.notify();
    await this.#loop;
    const drain = Promise.all([...this.#inFlight.values()].map((e) => e.done));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      drain,
      new Promise((resolve) => (timer = setTimeout(resolve, options.drainMs ?? 10_000))),
    ]);
    clearTimeout(timer);
    for (const entry of this.#inFlight.values()) entry.controller.abort(reasonError('shutdown'));
    await drain;
    clearInterval(this.#heartbeat);
    clearInterval(this.#gc);
    const returned = await releaseBatchItems(this.#o.db, this.owner);
    if (returned.length > 0)
      this.#o.logger.info('returned batch items to the queue', { count: returned.length });
  }

  async #run(): Promise<void> {
    while (this.#running) {
      const free = this.#o.concurrency - this.#inFlight.size;
      let claimed: ClaimedItem[] = [];
      // Cleared before the claim: a notify() that fires while it runs (whose rows the claim
      // may not have seen) skips the wait below instead of being lost until the next poll.
      this.#wakeRequested = false;
      if (free > 0) {
        try {
          claimed = await claimBatchItems(this.#o.db, {
            owner: this.owner,
            limit: free,
            leaseMs: this.#o.leaseMs,
            maxAttempts: this.#o.maxAttempts,
            onBatchFinished: this.#batchFinished,
          });
        } catch (error) {
          this.#o.logger.error('could not claim batch items', { error });
        }
        for (const item of claimed) this.#start(item);
      }
      if (!this.#running) break;
      if (claimed.length > 0 && claimed.length === free) continue;
      if (this.#wakeRequested) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#o.pollMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  #start(item: ClaimedItem): void {
    const controller = new AbortController();
    const entry: InFlight = { batchId: item.batch_id, controller, done: Promise.resolve() };
    this.#inFlight.set(item.id, entry);
    this.#o.metrics.batchItemsInFlight.set(this.#inFlight.size);
    entry.done = this.#process(item, controller.signal)
      .catch((error: unknown) =>
        this.#o.logger.error('batch item failed unexpectedly', { error, item: item.id }),
      )
      .finally(() => {
        this.#inFlight.delete(item.id);
        this.#o.metrics.batchItemsInFlight.set(this.#inFlight.size);
        this.notify();
      });
  }

  async #process(item: ClaimedItem, signal: AbortSignal): Promise<void> {
    const { ran, image, reference } = await this.#inspect(item, signal);
    const reason = signal.aborted ? abortReason(signal) : undefined;
    if (reason === 'shutdown') {
      await releaseBatchItems(this.#o.db, this.owner, [item.id]);
      return;
    }
    // Cancelled or reclaimed elsewhere: the guarded update below would refuse anyway.
    if (reason !== undefined) return;
    if (!ran.ok && waitingCodes.has(ran.error.code)) {
      // Not the item's fault (model unloaded, engine down, queue full): wait, then retry.
      const { code, message } = ran.error;
      await this.#untilStored(signal, () =>
        deferBatchItem(this.#o.db, this.owner, item.id, this.#o.retryDelayMs, { code, message }),
      );
      return;
    }
    const record = batchItemRecord(item, ran);
    const stored = await timedStore(this.#o.metrics, ran.model, { 'chipq.batch.id': item.batch_id }, () =>
      this.#untilStored(signal, () =>
        this.#o.db.transaction().execute((trx) =>
          finishBatchItem(
            trx,
            {
              itemId: item.id,
              batchId: item.batch_id,
              owner: this.owner,
              status: ran.ok ? 'completed' : 'failed',
              inferenceId: record.id,
              errorCode: ran.ok ? null : ran.error.code,
              errorMessage: ran.ok ? null : ran.error.message,
              onBatchFinished: this.#batchFinished,
            },
            async (trx) => {
              if (ran.ok) {
                const { inference, detections } = completedRecord(record, ran.outcome);
                await insertInference(trx, inference, detections);
                return this.#o.events.emit(trx, inspectionCompletedEvent(inference, detections));
              }
              return insertInference(trx, failedRecord(record, ran.error));
            },
          ),
        ),
      ),
    );
    if (stored) {
      this.processed += 1;
      if (
        ran.ok &&
        ran.shadows !== undefined &&
        ran.assignment !== undefined &&
        this.#o.shadows !== undefined
      ) {
        if (image !== undefined)
          this.#o.shadows.schedule({
            inferenceId: record.id,
            experimentId: ran.assignment.experimentId,
            model: ran.outcome.model.name,
            arms: ran.shadows,
            image,
            reference,
            confidenceThreshold: item.confidence_threshold ?? undefined,
          });
      }
    }
  }

  /**
   * Runs `write`, retrying while the database cannot be reached (restarting, failing over) so
   * an outcome computed during an outage is stored when it is back, not lost or recomputed.
   * Gives up when the worker stops or the item's lease is lost; the lease then brings it back.
   */
  async #untilStored<T>(signal: AbortSignal, write: () => Promise<T>): Promise<T> {
    for (let delayMs = 100; ; delayMs = Math.min(delayMs * 2, 1000)) {
      try {
        return await write();
      } catch (error) {
        if (!isDatabaseUnavailable(error) || !this.#running || signal.aborted) throw error;
        this.#o.logger.warn('database unavailable: retrying to store a batch item', { error });
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  /** The run, with the image bytes it read (kept for shadow arms). */
  async #inspect(
    item: ClaimedItem,
    signal: AbortSignal,
  ): Promise<{ ran: InspectionRun; image?: Uint8Array; reference?: Uint8Array | undefined }> {
    let image: Uint8Array;
    let reference: Uint8Array | undefined;
    try {
      image = await this.#o.blobs.get(item.image_sha256);
      reference = item.reference_sha256 === null ? undefined : await this.#o.blobs.get(item.reference_sha256);
    } catch (error) {
      const wrapped = isChipqError(error)
        ? error
        : new ChipqError('INTERNAL', 'could not read the queued image', { cause: error });
      return { ran: { ok: false, error: wrapped, serviceMs: 0, model: item.model_name ?? undefined } };
    }
    await this.#o.keepImages(image, reference);
    const ran = await this.#o.run({
      image,
      reference,
      model: item.model_name ?? undefined,
      version: item.model_version ?? undefined,
      confidenceThreshold: item.confidence_threshold ?? undefined,
      signal,
      // Sticky per item across retries and replicas.
      units: { lotId: item.lot_id ?? undefined, waferId: item.wafer_id ?? undefined, request: item.id },
    });
    return { ran, image, reference };
  }

  async #renew(): Promise<void> {
    const ids = [...this.#inFlight.keys()];
    if (ids.length === 0) return;
    try {
      const held = new Set(await renewLeases(this.#o.db, this.owner, ids, this.#o.leaseMs));
      for (const id of ids) {
        // Cancelled or reclaimed by another replica: stop spending the engine on it.
        if (!held.has(id)) this.#inFlight.get(id)?.controller.abort(reasonError('lease-lost'));
      }
    } catch (error) {
      this.#o.logger.warn('could not renew batch leases', { error });
    }
  }
}

/**
 * Failures that say "not now" rather than "this item is bad": the item waits and retries.
 * DATABASE_UNAVAILABLE: the inspection reads the stored default version (or experiment) from
 * the database, so an outage there must not end the item `failed`.
 */
const waitingCodes: ReadonlySet<string> = new Set([
  'MODEL_NOT_READY',
  'ENGINE_UNAVAILABLE',
  'RESOURCE_EXHAUSTED',
  'DATABASE_UNAVAILABLE',
]);

function reasonError(reason: AbortReason): ChipqError {
  return new ChipqError(
    'CANCELLED',
    `batch item ${reason === 'shutdown' ? 'returned to the queue at shutdown' : reason}`,
    {
      details: { reason },
    },
  );
}

function abortReason(signal: AbortSignal): AbortReason | undefined {
  const reason: unknown = signal.reason;
  return isChipqError(reason) ? (reason.details?.reason as AbortReason | undefined) : undefined;
}
