/**
 * `emit(trx, event)`: writes an event to the outbox inside the caller's transaction, so the
 * event exists if and only if what it announces was committed. The relay (outbox-relay.ts)
 * publishes it afterwards. With events off (no NATS_URL) `emit` writes nothing: the outbox
 * never grows without a relay to drain it.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import { insertOutboxRow } from '../repositories/outbox-repository.js';
import { type ChipqEvent, checkEventData } from './event-catalog.js';

export interface EventOutboxOptions {
  /** False: `emit` is a no-op (events are off). */
  enabled: boolean;
  /** Called after each emit, so the relay looks soon (it also polls). */
  onEmit?: (() => void) | undefined;
}

export interface EventOutbox {
  readonly enabled: boolean;
  /**
   * Adds `event` to the outbox in `trx` (pass the transaction that stores what the event
   * announces). Returns the event id (the CloudEvents id), or undefined when events are off.
   */
  emit(trx: Kysely<Database> | Transaction<Database>, event: ChipqEvent): Promise<string | undefined>;
}

export function createEventOutbox(options: EventOutboxOptions): EventOutbox {
  return {
    enabled: options.enabled,
    async emit(trx, event) {
      if (!options.enabled) return undefined;
      const id = randomUUID();
      await insertOutboxRow(trx, {
        id,
        type: event.type,
        subject: event.subject ?? null,
        partitionKey: event.partitionKey ?? null,
        data: checkEventData(event),
        createdAt: new Date(),
      });
      options.onEmit?.();
      return id;
    },
  };
}
