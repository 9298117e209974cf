/**
 * Drains the outbox into the broker: the oldest rows first, one at a time, each deleted only
 * after the broker acknowledged it. A failed publish stops the pass (later rows wait, keeping the
 * order) and is retried with backoff; a crash between the acknowledgement and the delete means
 * one more publish of the same id, which the broker's deduplication and consumers (on the id)
 * absorb: at least once, ordered. One relay at a time across replicas holds a lease.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { Logger } from '../observability/logger.js';
import {
  deleteOutboxRows,
  holdRelayLease,
  nextOutboxRows,
  recordOutboxFailure,
  releaseRelayLease,
} from '../repositories/outbox-repository.js';
import { type EventPublisher, toCloudEvent } from './event-publisher.js';

export interface OutboxRelayOptions {
  db: Kysely<Database>;
  publisher: EventPublisher;
  logger: Logger;
  /** CloudEvents `source`, default `/chipq/inference`. */
  source?: string;
  /** How often to look when idle, default 250 ms (an emit wakes the relay sooner). */
  pollMs?: number;
  /** Rows per pass, default 100. */
  pageSize?: number;
  /** The relay lease; another replica takes over this long after this one stops renewing. Default 15 s. */
  leaseMs?: number;
  /** Longest wait between retries while the broker is down, default 5 s. */
  maxBackoffMs?: number;
}

const leaseName = 'event-outbox';

export class OutboxRelay {
  readonly #o: Required<Omit<OutboxRelayOptions, 'source'>> & { source: string };
  readonly #owner = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #wakeRequested = false;
  /** Events this relay has had acknowledged (tests and logs). */
  published = 0;

  constructor(options: OutboxRelayOptions) {
    this.#o = {
      source: '/chipq/inference',
      pollMs: 250,
      pageSize: 100,
      leaseMs: 15_000,
      maxBackoffMs: 5000,
      ...options,
    };
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Looks at the outbox now (an event was just emitted). */
  notify(): void {
    this.#wakeRequested = true;
    this.#wake?.();
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.notify();
    await this.#loop;
    await releaseRelayLease(this.#o.db, leaseName, this.#owner).catch(() => {});
    await this.#o.publisher.close();
  }

  async #run(): Promise<void> {
    let backoffMs = 0;
    let failures = 0;
    while (this.#running) {
      this.#wakeRequested = false;
      let more = false;
      try {
        more = await this.#pass();
        if (failures > 0) this.#o.logger.info('publishing events again', { failed_attempts: failures });
        backoffMs = 0;
        failures = 0;
      } catch (error) {
        backoffMs = Math.min(Math.max(backoffMs * 2, 200), this.#o.maxBackoffMs);
        // The first failure, then one line a minute or so: an outage must not flood the log.
        if (failures % 12 === 0)
          this.#o.logger.warn('could not publish events; they wait in the outbox and are retried', {
            error,
            failed_attempts: failures + 1,
          });
        failures += 1;
      }
      if (!this.#running) break;
      if (backoffMs === 0 && (more || this.#wakeRequested)) continue;
      await this.#sleep(backoffMs > 0 ? backoffMs : this.#o.pollMs, backoffMs === 0);
    }
  }

  /** One page: true when a full page was published (more may wait). Throws on a failed publish. */
  async #pass(): Promise<boolean> {
    const { db, publisher, pageSize, leaseMs } = this.#o;
    if (!(await holdRelayLease(db, leaseName, this.#owner, leaseMs))) return false;
    const rows = await nextOutboxRows(db, pageSize);
    const sent: string[] = [];
    try {
      for (const row of rows) {
        if (!this.#running) break;
        try {
          await publisher.publish(toCloudEvent(row, this.#o.source));
        } catch (error) {
          await recordOutboxFailure(db, row.id, (error as Error).message ?? String(error)).catch(() => {});
          throw error;
        }
        sent.push(row.id);
      }
    } finally {
      await deleteOutboxRows(db, sent);
      this.published += sent.length;
    }
    return rows.length === pageSize;
  }

  /** Waits `ms`; an emit cuts the wait short unless the relay is backing off. */
  #sleep(ms: number, wakeable: boolean): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref?.();
      const stop = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      // Stopping always wakes; an emit only when not backing off from a broker failure.
      this.#wake = wakeable ? stop : () => (this.#running ? undefined : stop());
    });
  }
}
