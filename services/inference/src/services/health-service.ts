/**
 * GET /monitoring/health: liveness (the process serves) and readiness (database answers,
 * engine ready, at least one model READY), with each check's detail so an operator sees why.
 */
import type { Inspector } from '@chipq/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';
import type { HealthView } from '../schemas/monitoring-schemas.js';

export interface HealthServiceOptions {
  db: Kysely<Database>;
  databaseKind: 'postgres' | 'pglite';
  inspector: Inspector;
  environment: string;
  /** Each check's deadline, default 2 s. */
  checkTimeoutMs?: number;
}

async function timed<T>(
  fn: () => Promise<T>,
  timeoutMs: number,
): Promise<{ value?: T; error?: Error; ms: number }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    const value = await Promise.race([fn(), timeout]);
    return { value, ms: performance.now() - started };
  } catch (error) {
    return { error: error as Error, ms: performance.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

export function createHealthService(options: HealthServiceOptions) {
  const started = Date.now();
  const timeoutMs = options.checkTimeoutMs ?? 2000;
  const engine = options.inspector.engine;

  async function check(): Promise<HealthView> {
    const [database, engineReady, index] = await Promise.all([
      timed(() => sql`select 1`.execute(options.db), timeoutMs),
      timed(() => engine.isReady(), timeoutMs),
      timed(() => engine.repositoryIndex(), timeoutMs),
    ]);
    const models = (index.value ?? []).map((e) => ({
      name: e.name,
      version: e.version,
      state: e.state,
      ready: e.state === 'READY',
      reason: e.reason,
    }));
    const databaseOk = database.error === undefined;
    const engineOk = engineReady.error === undefined && engineReady.value === true;
    const anyModel = models.some((m) => m.ready);
    const ready = databaseOk && engineOk && anyModel;
    return {
      status: !ready ? 'unavailable' : models.every((m) => m.ready) ? 'ok' : 'degraded',
      live: true,
      ready,
      environment: options.environment,
      uptime_s: Math.round((Date.now() - started) / 1000),
      checks: {
        database: {
          kind: options.databaseKind,
          status: databaseOk ? 'ok' : 'fail',
          detail: database.error?.message ?? 'select 1 answered',
          latency_ms: Math.round(database.ms * 100) / 100,
        },
        engine: {
          kind: engine.kind,
          status: engineOk ? (anyModel ? 'ok' : 'fail') : 'fail',
          detail:
            engineReady.error?.message ??
            (engineReady.value ? (anyModel ? 'ready' : 'ready, but no model is READY') : 'not ready'),
          latency_ms: Math.round(engineReady.ms * 100) / 100,
        },
        models,
      },
    };
  }

  return { check };
}

export type HealthService = ReturnType<typeof createHealthService>;
