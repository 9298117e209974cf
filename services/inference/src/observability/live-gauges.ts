/**
 * Gauges read at scrape time from live objects: which models the engine has READY, the
 * database pool's connections and waiting clients, and the engine's queue. Sampling on scrape
 * costs nothing on the request path and is never stale; a source that fails is skipped so one
 * slow engine cannot break /metrics.
 */
import { Gauge, type Registry } from 'prom-client';

interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

export interface LiveSources {
  /** The engine's repository index: each model version and its state. */
  models?: () => Promise<Array<{ name: string; version: string; state: string }>>;
  /** The database pool's counts. */
  pool?: () => PoolStats;
  /** Requests waiting in the engine's queues, per model. */
  engineQueue?: () => Map<string, number> | undefined;
}

export function registerLiveGauges(registers: Registry[]) {
  const sources: LiveSources = {};
  new Gauge({
    name: 'chipq_model_ready',
    help: '1 when the engine has this model version READY, else 0',
    labelNames: ['model_name', 'model_version'] as const,
    registers,
    async collect() {
      this.reset();
      const index = await sources.models?.().catch(() => undefined);
      for (const entry of index ?? []) {
        this.set({ model_name: entry.name, model_version: entry.version }, entry.state === 'READY' ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'chipq_db_pool_connections',
    help: 'Database pool connections by state (idle, busy) and clients waiting for one (waiting)',
    labelNames: ['state'] as const,
    registers,
    collect() {
      const stats = sources.pool?.();
      if (stats === undefined) return;
      this.set({ state: 'idle' }, stats.idle);
      this.set({ state: 'busy' }, stats.total - stats.idle);
      this.set({ state: 'waiting' }, stats.waiting);
    },
  });
  new Gauge({
    name: 'chipq_engine_queue_depth',
    help: "Requests waiting in the engine's queue for a batch or an instance, per model",
    labelNames: ['model_name'] as const,
    registers,
    collect() {
      const depths = sources.engineQueue?.();
      if (depths === undefined) return;
      this.reset();
      for (const [model, depth] of depths) this.set({ model_name: model }, depth);
    },
  });
  return {
    watch(next: LiveSources) {
      Object.assign(sources, next);
    },
  };
}
