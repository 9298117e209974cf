/**
 * Turns one inspection (or its failure) into the rows we store: an `inferences` row with the
 * traceability fields, hashes, verdict and timings, and one `detections` row per defect with
 * the platform's location (x, y, width, height in original pixels) and `ml_automated` method.
 */
import type { ChipqError, InspectionResult } from '@chipq/core';
import type { NewDetection, NewInference } from '../db/database.js';
import { type Traceability, traceabilityColumns } from './traceability.js';

export interface RecordInput {
  id: string;
  createdAt: Date;
  imageSha256: string;
  imageBytes: number;
  referenceSha256?: string | undefined;
  traceability: Traceability;
  requestId?: string | undefined;
  /** Id of the API key that asked (never the secret). */
  apiKeyId?: string | undefined;
  traceparent?: string | undefined;
  batch?: { batchId: string; itemId: string } | undefined;
  /** The model asked for (kept on failures, when the inspection never named one). */
  requested: { model?: string | undefined; version?: string | undefined };
  /** Wall time in the service for this image, ms. */
  serviceMs: number;
  /** The experiment arm that served it, if any. */
  assignment?: { experimentId: string; arm: string } | undefined;
}

/** Smallest width/height stored: the platform requires width, height > 0. */
const minExtent = 1e-3;

/** Rows for a completed inspection. */
export function completedRecord(
  input: RecordInput,
  outcome: InspectionResult,
): {
  inference: NewInference;
  detections: Array<Omit<NewDetection, 'inference_id' | 'ordinal'>>;
} {
  const t = outcome.timings;
  return {
    inference: {
      ...commonColumns(input),
      status: 'completed',
      model_name: outcome.model.name,
      model_version: outcome.model.version,
      image_width: outcome.image.width,
      image_height: outcome.image.height,
      image_format: outcome.image.format,
      verdict_status: outcome.verdict.status,
      verdict_rule: outcome.verdict.rule,
      verdict_reason: outcome.verdict.reason,
      verdict_score: outcome.verdict.score,
      detection_count: outcome.detections.length,
      decode_ms: t.decodeMs,
      preprocess_ms: t.preprocessMs,
      queue_ms: t.queueMs,
      infer_ms: t.inferMs,
      postprocess_ms: t.postprocessMs,
      total_ms: t.totalMs,
    },
    detections: detectionColumns(outcome).map((d) => ({
      ...d,
      detection_method: 'ml_automated',
      created_at: input.createdAt,
    })),
  };
}

/** An inspection's defects as the platform stores them: class, severity, confidence and location in pixels. */
export function detectionColumns(outcome: InspectionResult) {
  return outcome.detections.map((d) => {
    // Boxes are clamped into the image's quadrant: the platform's location has x, y >= 0.
    const x = Math.max(0, Math.min(d.box.x1, d.box.x2));
    const y = Math.max(0, Math.min(d.box.y1, d.box.y2));
    return {
      class_id: d.classId,
      defect_type: d.className,
      severity: d.severity,
      confidence: Math.min(1, Math.max(0, d.confidence)),
      x,
      y,
      width: Math.max(minExtent, Math.max(d.box.x1, d.box.x2) - x),
      height: Math.max(minExtent, Math.max(d.box.y1, d.box.y2) - y),
    };
  });
}

/** The row for a failed inspection: what was asked, the error code and message. */
export function failedRecord(input: RecordInput, error: ChipqError): NewInference {
  const details = error.details ?? {};
  const model = typeof details.model === 'string' ? details.model : input.requested.model;
  const version = typeof details.version === 'string' ? details.version : input.requested.version;
  return {
    ...commonColumns(input),
    status:
      error.code === 'DEADLINE_EXCEEDED' ? 'timeout' : error.code === 'CANCELLED' ? 'cancelled' : 'failed',
    model_name: model ?? null,
    model_version: version ?? null,
    error_code: error.code,
    error_message: error.message,
  };
}

function commonColumns(input: RecordInput) {
  const t = input.traceability;
  return {
    id: input.id,
    batch_id: input.batch?.batchId ?? null,
    batch_item_id: input.batch?.itemId ?? null,
    request_id: input.requestId ?? null,
    api_key_id: input.apiKeyId ?? null,
    traceparent: input.traceparent ?? null,
    ...traceabilityColumns(t),
    image_sha256: input.imageSha256,
    image_bytes: input.imageBytes,
    reference_sha256: input.referenceSha256 ?? null,
    service_ms: input.serviceMs,
    created_at: input.createdAt,
    experiment_id: input.assignment?.experimentId ?? null,
    experiment_arm: input.assignment?.arm ?? null,
  };
}
