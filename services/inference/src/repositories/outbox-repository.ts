/**
 * The event outbox's rows (see the 2026-11-27-e-event-outbox migration): written inside the
 * caller's transaction, read and deleted by the relay in `seq` order, and the relay's lease.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database, OutboxRow } from '../db/database.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewOutboxRow {
  id: string;
  type: string;
  subject: string | null;
  partitionKey: string | null;
  data: unknown;
  createdAt: Date;
}

export async function insertOutboxRow(db: Db, row: NewOutboxRow): Promise<void> {
  await db
    .insertInto('event_outbox')
    .values({
      id: row.id,
      type: row.type,
      subject: row.subject,
      partition_key: row.partitionKey,
      data: JSON.stringify(row.data),
      created_at: row.createdAt,
    })
    .execute();
}

/** The oldest unsent rows, in publication order. */
export function nextOutboxRows(db: Db, limit: number): Promise<OutboxRow[]> {
  return db.selectFrom('event_outbox').selectAll().orderBy('seq').limit(limit).execute();
}

/** Forgets rows the broker acknowledged (by id: a row committed later with a lower seq stays). */
export async function deleteOutboxRows(db: Db, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.deleteFrom('event_outbox').where('id', 'in', ids).execute();
}

export async function recordOutboxFailure(db: Db, id: string, error: string): Promise<void> {
  await db
    .updateTable('event_outbox')
    .set({ attempts: sql<number>`attempts + 1`, last_error: error.slice(0, 1000) })
    .where('id', '=', id)
    .execute();
}

/**
 * Takes or renews the relay lease `name` for `owner` until `leaseMs` from now; true when this
 * owner holds it. One relay at a time keeps publication in `seq` order across replicas.
 */
export async function holdRelayLease(db: Db, name: string, owner: string, leaseMs: number): Promise<boolean> {
  const { rows } = await sql<{ owner: string }>`
    insert into event_relay_lease (name, owner, expires_at)
    values (${name}, ${owner}, now() + ${leaseMs} * interval '1 millisecond')
    on conflict (name) do update set owner = excluded.owner, expires_at = excluded.expires_at
      where event_relay_lease.owner = excluded.owner or event_relay_lease.expires_at < now()
    returning owner`.execute(db);
  return rows.length === 1;
}

export async function releaseRelayLease(db: Db, name: string, owner: string): Promise<void> {
  await db.deleteFrom('event_relay_lease').where('name', '=', name).where('owner', '=', owner).execute();
}
