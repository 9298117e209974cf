/**
 * GET /monitoring/health: liveness (the process serves) and readiness (database answers,
 * engine ready, at least one model READY), with each check's detail so an operator sees why.
 */
import type { Inspector } from '@chipq/core';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { DatabaseActivity } from '../db/database-availability.js';
import { selectOne } from '../repositories/health-repository.js';
import type { HealthView } from '../schemas/monitoring-schemas.js';

export interface HealthServiceOptions {
  db: Kysely<Database>;
  databaseKind: 'postgres' | 'pglite';
  /**
   * The database's recent answers. When it answered any query within the check's deadline, that
   * answer is the check: a probe of its own would queue behind the traffic (PGlite has one
   * connection, so behind a batch worker's transaction) and could miss its deadline on a
   * healthy, busy database. Without recent answers the check runs `select 1`.
   */
  activity?: DatabaseActivity | undefined;
  inspector: Inspector;
  environment: string;
  /** Triton's HTTP endpoint (`TRITON_HTTP_URL`): when set, the engine is ready only if it answers too. */
  tritonHttpUrl?: string | undefined;
  /** Each check's deadline, default 2 s. */
  checkTimeoutMs?: number;
}

interface Timed<T> {
  value?: T;
  error?: Error;
  ms: number;
}

async function timed<T>(fn: () => Promise<T>, timeoutMs: number): Promise<Timed<T>> {
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

/** Triton's HTTP readiness (`GET /v2/health/ready`, 200 when ready), within `timeoutMs`. */
async function httpReady(baseUrl: string, timeoutMs: number): Promise<{ ok: boolean; detail: string }> {
  try {
    const response = await fetch(`${baseUrl}/v2/health/ready`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.status === 200
      ? { ok: true, detail: 'ready' }
      : { ok: false, detail: `not ready (HTTP ${response.status})` };
  } catch (error) {
    return { ok: false, detail: `unreachable (${(error as Error).message})` };
  }
}

export function createHealthService(options: HealthServiceOptions) {
  const started = Date.now();
  const timeoutMs = options.checkTimeoutMs ?? 2000;
  const engine = options.inspector.engine;

  async function check(): Promise<HealthView> {
    const recent = options.activity?.answeredWithin(timeoutMs);
    // Alongside the other checks, not after them.
    const httpCheck =
      options.tritonHttpUrl === undefined ? undefined : httpReady(options.tritonHttpUrl, timeoutMs);
    const [database, engineReady, index] = await Promise.all([
      recent !== undefined
        ? ({ value: `answered a query ${Math.round(recent)} ms ago`, ms: 0 } as Timed<string>)
        : timed(() => selectOne(options.db).then(() => 'select 1 answered'), timeoutMs),
      timed(() => engine.isReady(), timeoutMs),
      timed(() => engine.repositoryIndex(), timeoutMs),
    ]);
    const http = await httpCheck;
    const models = (index.value ?? []).map((e) => ({
      name: e.name,
      version: e.version,
      state: e.state,
      ready: e.state === 'READY',
      reason: e.reason,
    }));
    const databaseOk = database.error === undefined;
    const engineOk = engineReady.error === undefined && engineReady.value === true && (http?.ok ?? true);
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
          detail: database.error?.message ?? database.value ?? 'select 1 answered',
          latency_ms: Math.round(database.ms * 100) / 100,
        },
        engine: {
          kind: engine.kind,
          status: engineOk ? (anyModel ? 'ok' : 'fail') : 'fail',
          detail:
            (engineReady.error?.message ??
              (engineReady.value ? (anyModel ? 'ready' : 'ready, but no model is READY') : 'not ready')) +
            (http ? `; HTTP endpoint ${options.tritonHttpUrl}: ${http.detail}` : ''),
          latency_ms: Math.round(engineReady.ms * 100) / 100,
        },
        models,
      },
    };
  }

  return { check };
}

export type HealthService = ReturnType<typeof createHealthService>;
