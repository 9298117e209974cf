/** The readiness probe's own query, for when the database has not answered anything recently. */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';

/** Runs `select 1`: resolves once the database answers a query at all. */
export async function selectOne(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
