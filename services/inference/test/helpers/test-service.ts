/**
 * Starts the real service for a test: a temporary model repository copied from
 * test/fixtures/models, a temporary DATA_DIR, and either PGlite (on disk in DATA_DIR, so a
 * second service can reopen it) or a fresh PostgreSQL schema dropped at dispose.
 */
import { randomBytes } from 'node:crypto';
import { cp, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig, type ServiceConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/observability/logger.js';
import { type RunningService, type StartServiceOptions, startService } from '../../src/start-service.js';
import { tempDir } from './temp-dir.js';
import { type DatabaseKind, postgresUrl } from './test-databases.js';

/** CHIPQ_ADMIN_KEY of every test environment: admin endpoints need it (issue 10). */
export const testAdminKey = 'test-admin-key-0123456789abcdefghijklmnop';
/** Headers that authenticate as the test admin. */
export const adminHeaders = { authorization: `Bearer ${testAdminKey}` } as const;

export const fixturesDir = fileURLToPath(new URL('../../../../test/fixtures/models', import.meta.url));

/** The diff_detector fixture's model file and config.pbtxt text: what the deploy tests upload. */
export async function readDiffDetector(): Promise<{ onnx: Buffer; configText: string }> {
  const folder = path.join(fixturesDir, 'diff_detector');
  const [onnx, configText] = await Promise.all([
    readFile(path.join(folder, '1', 'model.onnx')),
    readFile(path.join(folder, 'config.pbtxt'), 'utf8'),
  ]);
  return { onnx, configText };
}

export interface TestEnvironment {
  kind: DatabaseKind;
  config: ServiceConfig;
  schema: string | undefined;
  repository: string;
  /** Starts a service on this environment's database, repository and data folder. */
  start(options?: Partial<StartServiceOptions>): Promise<RunningService>;
  dispose(): Promise<void>;
}

/**
 * @param models fixture models copied into the repository, default `diff_detector` and `broken`.
 * @param env extra environment variables for `loadConfig`.
 */
export async function createTestEnvironment(
  kind: DatabaseKind,
  models: string[] = ['diff_detector', 'broken'],
  env: Record<string, string> = {},
): Promise<TestEnvironment> {
  const dir = await tempDir();
  const repository = path.join(dir.path, 'models');
  await mkdir(repository, { recursive: true });
  for (const model of models)
    await cp(path.join(fixturesDir, model), path.join(repository, model), { recursive: true });
  let schema: string | undefined;
  if (kind === 'postgres') {
    schema = `chipq_test_${randomBytes(6).toString('hex')}`;
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    await client.query(`create schema ${schema}`);
    await client.end();
  }
  const config = loadConfig(
    {
      MODEL_REPOSITORY: repository,
      DATA_DIR: path.join(dir.path, 'data'),
      ...(kind === 'postgres' ? { DATABASE_URL: postgresUrl } : {}),
      BATCH_CONCURRENCY: '4',
      CHIPQ_ADMIN_KEY: testAdminKey,
      ...env,
    },
    dir.path,
  );
  return {
    kind,
    config,
    schema,
    repository,
    start: (options = {}) =>
      startService({
        config,
        databaseSchema: schema,
        defaultModel: models.includes('diff_detector') ? 'diff_detector' : undefined,
        logger: createLogger('silent'),
        worker: { pollMs: 50 },
        ...options,
      }),
    async dispose() {
      if (schema !== undefined) {
        const client = new pg.Client({ connectionString: postgresUrl });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
      }
      await dir.remove();
    },
  };
}
