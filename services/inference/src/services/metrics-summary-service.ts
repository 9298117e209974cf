/**
 * GET /inference/metrics/summary and the stored half of per-model metrics: counts, throughput,
 * stage percentiles, verdict and defect-class distributions per model/version over a window.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import {
  defectClassDistribution,
  type ModelFilter,
  type ModelWindowRow,
  stages,
  summarizeInferences,
  type TimeWindow,
  verdictDistribution,
} from '../repositories/metrics-repository.js';
import type { MetricsSummaryView, ModelSummaryMetricsView } from '../schemas/metrics-schemas.js';

const keyOf = (perVersion: boolean) => (name: string | null, version: string | null) =>
  `${name ?? ''}\u0000${perVersion ? (version ?? '') : ''}`;
const round = (v: number) => Math.round(v * 1000) / 1000;
/** Rates can be small (a few images an hour): keep six decimals. */
const roundRate = (v: number) => Math.round(v * 1e6) / 1e6;

function latency(row: ModelWindowRow): ModelSummaryMetricsView['latency_ms'] {
  const out: ModelSummaryMetricsView['latency_ms'] = {};
  for (const stage of stages) {
    const p = row.percentiles[stage];
    if (p !== null) out[stage] = { p50: round(p[0]), p95: round(p[1]), p99: round(p[2]) };
  }
  return out;
}

export function createMetricsSummaryService(db: Kysely<Database>) {
  /** `perVersion: false` pools a model's versions (per-model metrics). */
  async function summary(
    window: TimeWindow,
    filter: ModelFilter = {},
    options: { perVersion?: boolean } = {},
  ): Promise<MetricsSummaryView> {
    const perVersion = options.perVersion ?? true;
    const [rows, verdicts, classes] = await Promise.all([
      summarizeInferences(db, window, filter, { perVersion }),
      verdictDistribution(db, window, filter),
      defectClassDistribution(db, window, filter),
    ]);
    const key = keyOf(perVersion);
    const seconds = Math.max(0.001, (window.to.getTime() - window.from.getTime()) / 1000);
    const models = rows.map((row): ModelSummaryMetricsView => {
      const k = key(row.model_name, row.model_version);
      return {
        model: { name: row.model_name, version: row.model_version },
        requests: row.total,
        completed: row.completed,
        failed: row.failed,
        error_rate: row.total === 0 ? null : round(row.failed / row.total),
        throughput_per_s: roundRate(row.completed / seconds),
        latency_ms: latency(row),
        verdicts: Object.fromEntries(
          verdicts.filter((v) => key(v.model_name, v.model_version) === k).map((v) => [v.key, v.count]),
        ),
        defect_classes: Object.fromEntries(
          classes.filter((c) => key(c.model_name, c.model_version) === k).map((c) => [c.key, c.count]),
        ),
      };
    });
    const completed = models.reduce((sum, m) => sum + m.completed, 0);
    return {
      window: { from: window.from.toISOString(), to: window.to.toISOString(), seconds },
      totals: {
        requests: models.reduce((sum, m) => sum + m.requests, 0),
        completed,
        failed: models.reduce((sum, m) => sum + m.failed, 0),
        throughput_per_s: roundRate(completed / seconds),
      },
      models,
    };
  }

  return { summary };
}

export type MetricsSummaryService = ReturnType<typeof createMetricsSummaryService>;
