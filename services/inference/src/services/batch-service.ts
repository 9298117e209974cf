/**
 * Batches behind the routes: accept (store every image as a content-addressed file, persist
 * the batch and its items, wake the worker, answer at once), read with progress and a page
 * of items, and cancel.
 */
import { randomUUID } from 'node:crypto';
import { ChipqError } from '@chipq/core';
import { checkImageBytes } from '@chipq/core/preprocess';
import type { Kysely } from 'kysely';
import type { Batch, Database, JobStatus, NewBatchItem } from '../db/database.js';
import type { EventOutbox } from '../events/event-outbox.js';
import {
  cancelBatch,
  countUnfinishedItems,
  findBatch,
  insertBatch,
  listBatchItems,
} from '../repositories/batch-repository.js';
import { findInferences } from '../repositories/inference-repository.js';
import { findCurrentReviews } from '../repositories/review-repository.js';
import type { BatchView } from '../schemas/batch-schemas.js';
import { type BlobStore, sha256 } from '../storage/blob-store.js';
import { batchCompletedHook } from './batch-event.js';
import type { BatchWorker } from './batch-worker.js';
import { toInferenceView } from './inference-view.js';
import type { ModelCatalog } from './model-catalog.js';
import { type Traceability, traceabilityColumns } from './traceability.js';

interface BatchItemInput {
  image: Uint8Array;
  reference?: Uint8Array | undefined;
  filename?: string | undefined;
  traceability: Traceability;
}

export interface BatchInput {
  model?: string | undefined;
  version?: string | undefined;
  confidenceThreshold?: number | undefined;
  items: BatchItemInput[];
}

export interface BatchServiceOptions {
  db: Kysely<Database>;
  blobs: BlobStore;
  catalog: ModelCatalog;
  imageMaxBytes: number;
  /** A cancel that ends a batch emits `chipq.batch.completed` with it. */
  events: EventOutbox;
  /** Absent in a replica that only serves the API (tests stop it to simulate a crash). */
  worker?: BatchWorker | undefined;
}

export function createBatchService(options: BatchServiceOptions) {
  const { db, blobs } = options;

  /** Persists a batch; returns it once every item is durable (files written, rows committed). */
  async function create(input: BatchInput, requestId?: string, apiKeyId?: string): Promise<Batch> {
    input.items.forEach((item, index) => {
      for (const [field, bytes] of [
        ['image', item.image],
        ['reference', item.reference],
      ] as const) {
        if (bytes !== undefined)
          checkImageBytes(bytes.byteLength, options.imageMaxBytes, {
            field: `items.${index}.${field}`,
            setting: 'IMAGE_MAX_SIZE',
          });
      }
    });
    // Fail fast on a model or version that does not exist instead of failing every item later.
    if (input.model !== undefined) await options.catalog.requireModel(input.model, input.version);
    const id = randomUUID();
    const createdAt = new Date();
    const rows: NewBatchItem[] = [];
    for (const [position, item] of input.items.entries()) {
      const imageSha256 = await blobs.put(item.image, sha256(item.image));
      const referenceSha256 = item.reference === undefined ? null : await blobs.put(item.reference);
      const t = item.traceability;
      rows.push({
        id: randomUUID(),
        batch_id: id,
        position,
        status: 'queued' as const,
        filename: item.filename ?? null,
        image_sha256: imageSha256,
        image_bytes: item.image.byteLength,
        reference_sha256: referenceSha256,
        ...traceabilityColumns(t),
        created_at: createdAt,
      });
    }
    const batch = {
      id,
      status: 'queued' as const,
      model_name: input.model ?? null,
      model_version: input.version ?? null,
      confidence_threshold: input.confidenceThreshold ?? null,
      item_count: rows.length,
      request_id: requestId ?? null,
      api_key_id: apiKeyId ?? null,
      created_at: createdAt,
      updated_at: createdAt,
    };
    await db.transaction().execute((trx) => insertBatch(trx, batch, rows));
    options.worker?.notify();
    const stored = await findBatch(db, id);
    if (stored === undefined) throw new Error(`batch ${id} vanished right after it was stored`);
    return stored;
  }

  /** The batch with progress and one page of items; undefined when there is no such batch. */
  async function view(
    id: string,
    page: { limit: number; cursor?: string | undefined; status?: JobStatus | undefined },
  ): Promise<BatchView | undefined> {
    const batch = await findBatch(db, id);
    if (batch === undefined) return undefined;
    const unfinished = await countUnfinishedItems(db, id);
    const counts = {
      ...unfinished,
      completed: batch.completed_count,
      failed: batch.failed_count,
      cancelled: batch.cancelled_count,
    };
    const { items, nextAfter } = await listBatchItems(db, id, {
      limit: page.limit,
      after: page.cursor === undefined ? undefined : Number(page.cursor),
      status: page.status,
    });
    const ids = items.flatMap((i) => (i.inference_id === null ? [] : [i.inference_id]));
    const [results, reviews] = await Promise.all([findInferences(db, ids), findCurrentReviews(db, ids)]);
    const total = batch.item_count;
    const finished = counts.completed + counts.failed + counts.cancelled;
    return {
      kind: 'batch',
      id: batch.id,
      status: batch.status,
      model: { name: batch.model_name, version: batch.model_version },
      created_at: batch.created_at.toISOString(),
      updated_at: batch.updated_at.toISOString(),
      finished_at: batch.finished_at?.toISOString() ?? null,
      cancel_requested_at: batch.cancel_requested_at?.toISOString() ?? null,
      progress: {
        total,
        ...counts,
        percent: total === 0 ? 100 : Math.round((finished / total) * 10_000) / 100,
      },
      items: items.map((item) => {
        const result = item.inference_id === null ? undefined : results.get(item.inference_id);
        return {
          id: item.id,
          position: item.position,
          status: item.status,
          filename: item.filename,
          image_sha256: item.image_sha256,
          attempts: item.attempts,
          error:
            item.error_code === null ? null : { code: item.error_code, message: item.error_message ?? '' },
          result:
            result === undefined
              ? null
              : toInferenceView(result.inference, result.detections, reviews.get(result.inference.id)),
        };
      }),
      page: { limit: page.limit, next_cursor: nextAfter === undefined ? null : String(nextAfter) },
    };
  }

  /**
   * Cancels a batch. Idempotent: a second cancel answers with nothing stopped and
   * `already_cancelled`. A batch that had already completed or failed is a CONFLICT (409):
   * there is nothing to cancel and saying "cancelled" would be false.
   */
  async function cancel(id: string) {
    const outcome = await db
      .transaction()
      .execute((trx) => cancelBatch(trx, id, batchCompletedHook(options.events)));
    if (outcome === undefined) return undefined;
    if (outcome.previousStatus === 'completed' || outcome.previousStatus === 'failed') {
      throw new ChipqError('CONFLICT', `batch ${id} already ${outcome.previousStatus}; nothing to cancel`, {
        details: { id, status: outcome.previousStatus },
      });
    }
    options.worker?.abortBatch(id);
    const batch = await findBatch(db, id);
    return {
      id,
      kind: 'batch' as const,
      status: batch?.status ?? 'cancelled',
      cancelled_items: outcome.cancelledQueued.length,
      aborted_in_flight: outcome.cancelledProcessing.length,
      already_finished: outcome.alreadyFinished,
      already_cancelled: outcome.alreadyCancelled,
    };
  }

  return { create, view, cancel };
}

export type BatchService = ReturnType<typeof createBatchService>;
