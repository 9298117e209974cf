/** API keys: insert, look up by id, list, revoke, and whether any live key holds a scope. */
import { type Kysely, sql } from 'kysely';
import type { ApiKey, Database, Scope } from '../db/database.js';

export interface NewApiKeyInput {
  id: string;
  name: string;
  scopes: Scope[];
  secretSha256: string;
  createdBy: string | null;
}

export async function insertApiKey(db: Kysely<Database>, input: NewApiKeyInput): Promise<ApiKey> {
  return db
    .insertInto('api_keys')
    .values({
      id: input.id,
      name: input.name,
      scopes: input.scopes,
      secret_sha256: input.secretSha256,
      created_by: input.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findApiKey(db: Kysely<Database>, id: string): Promise<ApiKey | undefined> {
  return db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Every key, newest first; revoked ones too (their ids stay in stored results). */
export async function listApiKeys(db: Kysely<Database>): Promise<ApiKey[]> {
  return db.selectFrom('api_keys').selectAll().orderBy('created_at', 'desc').orderBy('id').execute();
}

/** Marks a key revoked (once; a second revoke keeps the first time). Undefined when there is no such key. */
export async function revokeApiKey(db: Kysely<Database>, id: string): Promise<ApiKey | undefined> {
  return db
    .updateTable('api_keys')
    .set({ revoked_at: sql`coalesce(revoked_at, now())` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** True when a key that is not revoked holds `scope` itself. */
export async function liveKeyWithScopeExists(db: Kysely<Database>, scope: Scope): Promise<boolean> {
  const row = await db
    .selectFrom('api_keys')
    .select('id')
    .where('revoked_at', 'is', null)
    .where(sql<boolean>`${scope} = any(scopes)`)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
