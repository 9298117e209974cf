/** `chipq.batch.completed`, written in the transaction that finishes a batch's last item. */

import type { EventOutbox } from '../events/event-outbox.js';
import type { BatchFinishedHook } from '../repositories/batch-repository.js';

export function batchCompletedHook(events: EventOutbox): BatchFinishedHook {
  return (trx, batch) =>
    events.emit(trx, {
      type: 'chipq.batch.completed',
      subject: `batches/${batch.id}`,
      partitionKey: `batch:${batch.id}`,
      data: {
        batch_id: batch.id,
        status:
          batch.status === 'cancelled' ? 'cancelled' : batch.status === 'failed' ? 'failed' : 'completed',
        item_count: batch.item_count,
        completed: batch.completed_count,
        failed: batch.failed_count,
        cancelled: batch.cancelled_count,
        model: batch.model_name,
        finished_at: (batch.finished_at ?? new Date()).toISOString(),
      },
    });
}
