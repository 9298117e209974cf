/**
 * POST /inference/predict behind the route: inspect one image, store the result (or the
 * failure, for traceability and error-rate metrics) and return what was stored.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { EventOutbox } from '../events/event-outbox.js';
import type { ShadowRunner } from '../experiments/shadow-runner.js';
import type { Logger } from '../observability/logger.js';
import type { ServiceMetrics } from '../observability/service-metrics.js';
import { timedStore } from '../observability/timed-store.js';
import { insertInference } from '../repositories/inference-repository.js';
import type { InferenceResultView } from '../schemas/inference-schemas.js';
import { sha256 } from '../storage/blob-store.js';
import type { ImageKeeper } from '../storage/image-keeper.js';
import { completedRecord, failedRecord } from './inference-record.js';
import { toInferenceView } from './inference-view.js';
import { inspectionCompletedEvent } from './inspection-event.js';
import type { InspectionJob, InspectionRunner } from './inspection-runner.js';
import type { Traceability } from './traceability.js';

export interface PredictInput extends Omit<InspectionJob, 'signal' | 'traceparent'> {
  traceability: Traceability;
}

export interface RequestContext {
  requestId?: string | undefined;
  /** Id of the API key that asked; stored with the result. */
  apiKeyId?: string | undefined;
  traceparent?: string | undefined;
  /** Aborted when the client goes away. */
  signal?: AbortSignal | undefined;
}

export interface PredictServiceOptions {
  db: Kysely<Database>;
  run: InspectionRunner;
  logger: Logger;
  metrics: ServiceMetrics;
  /** When set, every predicted image (and reference) is kept (IMAGE_STORE_DIR, see image-keeper.ts). */
  keepImages?: ImageKeeper['keep'] | undefined;
  /** A completed result's `chipq.inspection.completed` event is written with it. */
  events: EventOutbox;
  /** Runs shadow experiment arms after the answer is stored. */
  shadows?: ShadowRunner | undefined;
}

export type PredictResult =
  | { ok: true; result: InferenceResultView }
  | { ok: false; result: InferenceResultView; error: Error };

export function createPredictService(options: PredictServiceOptions) {
  const { db, run, metrics, events, keepImages, shadows } = options;

  /** Inspects and stores; a failed inspection is stored too and returned with its error. */
  async function predict(input: PredictInput, context: RequestContext = {}): Promise<PredictResult> {
    const imageSha256 = sha256(input.image);
    const referenceSha256 = input.reference === undefined ? undefined : sha256(input.reference);
    await keepImages?.(input.image, input.reference);
    const id = randomUUID();
    const ran = await run({
      ...input,
      signal: context.signal,
      traceparent: context.traceparent,
      units: { lotId: input.traceability.lotId, waferId: input.traceability.waferId, request: id },
    });
    const record = {
      id,
      assignment: ran.assignment,
      createdAt: new Date(),
      imageSha256,
      imageBytes: input.image.byteLength,
      referenceSha256,
      traceability: input.traceability,
      requestId: context.requestId,
      apiKeyId: context.apiKeyId,
      traceparent: context.traceparent,
      requested: { model: ran.model, version: input.version },
      serviceMs: ran.serviceMs,
    };
    if (ran.ok) {
      const { inference, detections } = completedRecord(record, ran.outcome);
      // Without events: one statement, atomic on its own, no transaction round trips (see
      // insertInference). With events: the result and its event commit together or not at all.
      const stored = await timedStore(metrics, ran.model, { 'chipq.detections': detections.length }, () =>
        events.enabled
          ? db.transaction().execute(async (trx) => {
              const rows = await insertInference(trx, inference, detections);
              await events.emit(trx, inspectionCompletedEvent(inference, detections));
              return rows;
            })
          : insertInference(db, inference, detections),
      );
      if (ran.shadows !== undefined && ran.assignment !== undefined && shadows !== undefined) {
        shadows.schedule({
          inferenceId: id,
          experimentId: ran.assignment.experimentId,
          model: ran.outcome.model.name,
          arms: ran.shadows,
          image: input.image,
          reference: input.reference,
          confidenceThreshold: input.confidenceThreshold,
        });
      }
      return { ok: true, result: toInferenceView(stored.inference, stored.detections) };
    }
    const stored = await timedStore(metrics, ran.model, { 'chipq.error': ran.error.code }, () =>
      insertInference(db, failedRecord(record, ran.error)),
    );
    return { ok: false, result: toInferenceView(stored.inference, []), error: ran.error };
  }

  return { predict };
}

export type PredictService = ReturnType<typeof createPredictService>;
