/** The record input for a claimed batch item's outcome: its stored traceability and hashes. */
import { randomUUID } from 'node:crypto';
import type { ClaimedItem } from '../repositories/batch-queue-repository.js';
import type { RecordInput } from './inference-record.js';
import type { InspectionRun } from './inspection-runner.js';

export function batchItemRecord(item: ClaimedItem, ran: InspectionRun): RecordInput {
  return {
    id: randomUUID(),
    assignment: ran.assignment,
    createdAt: new Date(),
    imageSha256: item.image_sha256,
    imageBytes: item.image_bytes,
    referenceSha256: item.reference_sha256 ?? undefined,
    traceability: {
      lotId: item.lot_id ?? undefined,
      waferId: item.wafer_id ?? undefined,
      dieX: item.die_x ?? undefined,
      dieY: item.die_y ?? undefined,
      stationId: item.station_id ?? undefined,
      tags: item.tags,
    },
    batch: { batchId: item.batch_id, itemId: item.id },
    apiKeyId: item.batch_api_key_id ?? undefined,
    requested: { model: ran.model, version: item.model_version ?? undefined },
    serviceMs: ran.serviceMs,
  };
}
