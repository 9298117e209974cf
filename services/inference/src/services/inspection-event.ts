/**
 * The `chipq.inspection.completed` event of a completed result, built from the rows about to be
 * stored so it can be emitted in the same transaction. Keyed by lot (per-lot order).
 */
import type { NewDetection, NewInference } from '../db/database.js';
import type { ChipqEvent } from '../events/event-catalog.js';

export function inspectionCompletedEvent(
  inference: NewInference,
  detections: Array<Pick<NewDetection, 'defect_type'>>,
): ChipqEvent {
  const byClass: Record<string, number> = {};
  for (const d of detections) byClass[d.defect_type] = (byClass[d.defect_type] ?? 0) + 1;
  const lot = inference.lot_id ?? null;
  const wafer = inference.wafer_id ?? null;
  return {
    type: 'chipq.inspection.completed',
    subject:
      lot === null
        ? `results/${inference.id}`
        : `lots/${lot}${wafer === null ? '' : `/wafers/${wafer}`}/results/${inference.id}`,
    partitionKey: lot === null ? undefined : `lot:${lot}`,
    data: {
      result_id: inference.id,
      batch_id: inference.batch_id ?? null,
      lot_id: lot,
      wafer_id: wafer,
      die_x: inference.die_x ?? null,
      die_y: inference.die_y ?? null,
      station_id: inference.station_id ?? null,
      model: { name: inference.model_name ?? '', version: inference.model_version ?? '' },
      verdict: {
        status: inference.verdict_status ?? 'REVIEW',
        rule: inference.verdict_rule ?? '',
        score: inference.verdict_score ?? null,
      },
      defect_count: detections.length,
      defects_by_class: byClass,
      inspected_at: new Date(inference.created_at ?? Date.now()).toISOString(),
    },
  };
}
