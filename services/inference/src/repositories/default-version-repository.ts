/**
 * Default versions and their change history. Functions take the database or a transaction
 * first (CONVENTIONS.md §10) so the service decides what runs in one transaction.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, DefaultVersionAction, ModelDefaultChange } from '../db/database.js';

export async function readDefaultVersion(db: Kysely<Database>, model: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('model_default_versions')
    .select('version')
    .where('model_name', '=', model)
    .executeTakeFirst();
  return row?.version;
}

/** The row, locked until the transaction ends, so concurrent changes queue one after another. */
export async function lockDefaultVersion(trx: Kysely<Database>, model: string): Promise<string | undefined> {
  const row = await trx
    .selectFrom('model_default_versions')
    .select('version')
    .where('model_name', '=', model)
    .forUpdate()
    .executeTakeFirst();
  return row?.version;
}

/** Inserts the first row; false when another replica (or request) inserted it first. */
export async function insertDefaultVersion(
  db: Kysely<Database>,
  model: string,
  version: string,
): Promise<boolean> {
  const inserted = await db
    .insertInto('model_default_versions')
    .values({ model_name: model, version })
    .onConflict((oc) => oc.column('model_name').doNothing())
    .returning('model_name')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function updateDefaultVersion(
  trx: Kysely<Database>,
  model: string,
  version: string,
): Promise<void> {
  await trx
    .updateTable('model_default_versions')
    .set({ version, updated_at: new Date() })
    .where('model_name', '=', model)
    .execute();
}

export interface DefaultChangeInput {
  model: string;
  action: DefaultVersionAction;
  from: string | null;
  to: string;
  reason: string;
  apiKeyId?: string | undefined;
  requestId?: string | undefined;
  forced?: boolean | undefined;
  /** The golden-set gate's report, as JSON. */
  gate?: object | null | undefined;
}

export async function recordDefaultChange(
  db: Kysely<Database>,
  input: DefaultChangeInput,
): Promise<ModelDefaultChange> {
  return db
    .insertInto('model_default_changes')
    .values({
      id: randomUUID(),
      model_name: input.model,
      action: input.action,
      from_version: input.from,
      to_version: input.to,
      reason: input.reason,
      api_key_id: input.apiKeyId ?? null,
      request_id: input.requestId ?? null,
      forced: input.forced ?? false,
      gate: input.gate === undefined || input.gate === null ? null : JSON.stringify(input.gate),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Every change of a model's default, oldest first. */
export async function listDefaultChanges(db: Kysely<Database>, model: string): Promise<ModelDefaultChange[]> {
  return db
    .selectFrom('model_default_changes')
    .selectAll()
    .where('model_name', '=', model)
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
}
