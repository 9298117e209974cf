/**
 * Runs the migrations at start-up with Kysely's Migrator and reports what ran. A failed
 * migration is an ordinary outcome in Kysely's API (a result set, not a throw); we turn it into
 * one error naming the migration, because the service must not start on a half-migrated schema.
 */
import { type Kysely, type MigrationResult, Migrator } from 'kysely';
import type { Database } from './database.js';
import { migrations } from './migrations/index.js';

/**
 * Brings the schema up to date (`schema`: where the tables live, default the search path's first). Safe to call from several replicas at once: Kysely takes a
 * PostgreSQL advisory lock around the run.
 * @returns the migrations that ran now (empty when already up to date).
 */
export async function migrateToLatest(db: Kysely<Database>, schema?: string): Promise<MigrationResult[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    // Kysely looks its bookkeeping tables up by schema; name ours so a `public` copy never counts.
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error');
    throw new Error(`database migration ${failed?.migrationName ?? '(unknown)'} failed`, { cause: error });
  }
  return results;
}
