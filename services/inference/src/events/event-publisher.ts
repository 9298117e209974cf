/**
 * What a broker must do for the relay: publish one CloudEvent and resolve only once the broker
 * has it durably (or reject). One file per broker beside this one (`nats/` today; a Kafka
 * publisher would be `kafka/kafka-publisher.ts` with the same contract). Publishers must pass
 * `event.id` to the broker's deduplication where it has one: the relay may publish twice.
 */
import type { OutboxRow } from '../db/database.js';
import type { CloudEvent, EventType } from './event-catalog.js';

export interface EventPublisher {
  /** Resolves when the broker has stored the event; the relay retries on rejection. */
  publish(event: CloudEvent): Promise<void>;
  close(): Promise<void>;
}

/** The CloudEvents 1.0 structured-mode envelope of an outbox row. */
export function toCloudEvent(row: OutboxRow, source: string): CloudEvent {
  return {
    specversion: '1.0',
    id: row.id,
    source,
    type: row.type as EventType,
    ...(row.subject === null ? {} : { subject: row.subject }),
    time: row.created_at.toISOString(),
    datacontenttype: 'application/json',
    ...(row.partition_key === null ? {} : { partitionkey: row.partition_key }),
    data: row.data,
  };
}
