/** GET /inference/{id}: an id names either a stored result or a batch. */
import type { Kysely } from 'kysely';
import type { Database, JobStatus } from '../db/database.js';
import { findInference, inferenceExists } from '../repositories/inference-repository.js';
import type { BatchView } from '../schemas/batch-schemas.js';
import type { InferenceResultView } from '../schemas/inference-schemas.js';
import type { BatchService } from './batch-service.js';
import { toInferenceView } from './inference-view.js';

export function createJobService(db: Kysely<Database>, batches: BatchService) {
  async function get(
    id: string,
    page: { limit: number; cursor?: string | undefined; status?: JobStatus | undefined },
  ): Promise<InferenceResultView | BatchView | undefined> {
    const found = await findInference(db, id);
    if (found !== undefined) return toInferenceView(found.inference, found.detections, found.review);
    return batches.view(id, page);
  }

  function isResult(id: string): Promise<boolean> {
    return inferenceExists(db, id);
  }

  return { get, isResult };
}

export type JobService = ReturnType<typeof createJobService>;
