/** Stored rows -> the API's InferenceResult (snake_case, ISO dates, box and location both). */
import type { Detection, Inference } from '../db/database.js';
import type { StoredReview } from '../repositories/review-repository.js';
import type { InferenceResultView } from '../schemas/inference-schemas.js';
import { toReviewView } from './review-view.js';

type Row<T> = Omit<T, 'created_at'> & { created_at: Date | string };

function iso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

export function toInferenceView(
  inference: Row<Inference>,
  detections: Array<Row<Detection>>,
  review?: StoredReview | undefined,
): InferenceResultView {
  const completed = inference.status === 'completed';
  return {
    kind: 'result',
    id: inference.id,
    status: inference.status,
    created_at: iso(inference.created_at),
    batch_id: inference.batch_id,
    model: { name: inference.model_name, version: inference.model_version },
    image: {
      sha256: inference.image_sha256,
      bytes: inference.image_bytes,
      width: inference.image_width,
      height: inference.image_height,
      format: inference.image_format,
    },
    reference: inference.reference_sha256 === null ? null : { sha256: inference.reference_sha256 },
    traceability: {
      lot_id: inference.lot_id,
      wafer_id: inference.wafer_id,
      die_x: inference.die_x,
      die_y: inference.die_y,
      station_id: inference.station_id,
      tags: inference.tags ?? {},
    },
    detections: detections.map((d) => ({
      class_id: d.class_id,
      defect_type: d.defect_type,
      confidence: d.confidence,
      severity: d.severity,
      box: { x1: d.x, y1: d.y, x2: d.x + d.width, y2: d.y + d.height },
      location: { x: d.x, y: d.y, width: d.width, height: d.height },
      detection_method: d.detection_method,
    })),
    verdict:
      completed && inference.verdict_status !== null
        ? {
            status: inference.verdict_status,
            rule: inference.verdict_rule ?? '',
            reason: inference.verdict_reason ?? '',
            score: inference.verdict_score ?? 0,
          }
        : null,
    timings: completed
      ? {
          decode_ms: inference.decode_ms ?? 0,
          preprocess_ms: inference.preprocess_ms ?? 0,
          queue_ms: inference.queue_ms,
          infer_ms: inference.infer_ms ?? 0,
          postprocess_ms: inference.postprocess_ms ?? 0,
          total_ms: inference.total_ms ?? 0,
          service_ms: inference.service_ms,
        }
      : null,
    error:
      inference.error_code === null
        ? null
        : { code: inference.error_code, message: inference.error_message ?? '' },
    experiment:
      inference.experiment_id === null || inference.experiment_id === undefined
        ? null
        : { id: inference.experiment_id, arm: inference.experiment_arm ?? '' },
    review: review === undefined ? null : toReviewView(review, inference.verdict_status),
  };
}
