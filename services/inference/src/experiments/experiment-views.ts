/** Stored experiments -> the API's views. */
import type { StoredExperiment } from '../repositories/experiment-repository.js';
import type { ExperimentSummaryView, ExperimentView } from '../schemas/experiment-schemas.js';
import type { ExperimentFigures } from './experiment-figures.js';

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export function experimentSummaryView(row: StoredExperiment): ExperimentSummaryView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    model: row.model_name,
    mode: row.mode,
    unit: row.unit,
    status: row.status,
    match_iou: row.match_iou,
    arms: row.arms,
    created_at: iso(row.created_at) as string,
    created_by_key_id: row.api_key_id,
    stopped_at: iso(row.stopped_at),
    stop_reason: row.stop_reason,
    promoted_arm: row.promoted_arm,
  };
}

export function experimentView(row: StoredExperiment, figures: ExperimentFigures): ExperimentView {
  return { ...experimentSummaryView(row), figures };
}
