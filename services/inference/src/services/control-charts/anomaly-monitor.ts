/**
 * Runs the control charts of every model version this replica serves (version-charts.ts) and
 * turns their signals into what operators and other services see: `chipq_anomaly_active`
 * (1 while a chart is out of control), `chipq_anomalies_total` (signals raised, by rule),
 * `model_drift_score` (the latest PSI), one "anomaly detected" log line per signal raised (and
 * "anomaly cleared" when it ends), and `subscribe()` for anyone who wants the signals as events.
 *
 * Each replica charts the images it served itself: behind a load balancer that is a random
 * sample of the line, enough for the charts, and the alert rules take the max over replicas.
 * Baselines live in memory: a restarted replica learns its baseline again from its next images.
 */
import type { InspectionResult } from '@chipq/core';
import type { Logger } from '../../observability/logger.js';
import type { ServiceMetrics } from '../../observability/service-metrics.js';
import {
  type ChartName,
  type ChartReading,
  type ControlChartOptions,
  type SignalRule,
  VersionCharts,
} from './version-charts.js';

/** A chart of a model version starting or ending an out-of-control signal. */
export interface AnomalySignal {
  state: 'raised' | 'cleared';
  at: string;
  model_name: string;
  model_version: string;
  chart: ChartName;
  rule: SignalRule;
  observed: number | null;
  baseline: number | null;
  ewma: number | null;
  limit: number | null;
}

export interface AnomalyMonitorOptions {
  metrics: ServiceMetrics;
  logger: Logger;
  charts: ControlChartOptions;
  /**
   * Detections below this confidence are left out, so the charts see one consistent view
   * whatever threshold a request asked for (the service's MODEL_CONFIDENCE_THRESHOLD).
   */
  confidenceThreshold: number;
  /** The clock of signal timestamps; default Date.now. */
  now?: () => number;
}

export interface ControlChartsView {
  model_version: string;
  phase: 'learning' | 'monitoring';
  images: number;
  baseline_images: number;
  charts: Array<
    Omit<ChartReading, 'run'> & {
      run: { side: 'above' | 'below'; length: number; needed: number | null } | null;
    }
  >;
}

const driftFeature: Partial<Record<ChartName, string>> = {
  confidence_drift: 'confidence',
  class_mix_drift: 'class_mix',
};

export function createAnomalyMonitor(options: AnomalyMonitorOptions) {
  const { metrics, logger, confidenceThreshold } = options;
  const now = options.now ?? Date.now;
  // Keyed by name, then version: a model's report lists its versions.
  const models = new Map<string, Map<string, VersionCharts>>();
  const listeners = new Set<(signal: AnomalySignal) => void>();

  function chartsOf(name: string, version: string): VersionCharts {
    let versions = models.get(name);
    if (versions === undefined) {
      versions = new Map();
      models.set(name, versions);
    }
    let charts = versions.get(version);
    if (charts === undefined) {
      charts = new VersionCharts(options.charts);
      versions.set(version, charts);
      // Series exist from the first image, so "no anomaly" reads 0 rather than absent.
      for (const reading of charts.readings())
        metrics.anomalyActive.set({ model_name: name, model_version: version, chart: reading.chart }, 0);
    }
    return charts;
  }

  function emit(signal: AnomalySignal): void {
    const fields = { ...signal } as Record<string, unknown>;
    if (signal.state === 'raised') logger.warn('anomaly detected', fields);
    else logger.info('anomaly cleared', fields);
    for (const listener of listeners) {
      try {
        listener(signal);
      } catch (error) {
        // A subscriber's failure must never fail the inspection that fed the charts.
        logger.error('an anomaly subscriber failed', { error, chart: signal.chart });
      }
    }
  }

  function publish(name: string, version: string, previous: ChartReading, next: ChartReading): void {
    const labels = { model_name: name, model_version: version, chart: next.chart };
    metrics.anomalyActive.set(labels, next.firing.length > 0 ? 1 : 0);
    const feature = driftFeature[next.chart];
    if (feature !== undefined && next.observed !== null)
      metrics.driftScore.set({ model_name: name, model_version: version, feature }, next.observed);
    const at = new Date(now()).toISOString();
    const signal = (state: AnomalySignal['state'], rule: SignalRule): AnomalySignal => ({
      state,
      at,
      model_name: name,
      model_version: version,
      chart: next.chart,
      rule,
      observed: next.observed,
      baseline: next.baseline,
      ewma: next.ewma,
      limit: next.limit,
    });
    for (const rule of next.firing.filter((r) => !previous.firing.includes(r))) {
      metrics.anomalies.inc({ ...labels, rule });
      emit(signal('raised', rule));
    }
    for (const rule of previous.firing.filter((r) => !next.firing.includes(r))) emit(signal('cleared', rule));
  }

  return {
    /** Feeds one finished inspection to its model version's charts. */
    observe(result: {
      model: { name: string; version: string };
      detections: InspectionResult['detections'];
    }): void {
      const { name, version } = result.model;
      const charts = chartsOf(name, version);
      const kept = result.detections.filter((d) => d.confidence >= confidenceThreshold);
      const before = charts.readings();
      const after = charts.observe({
        confidences: kept.map((d) => d.confidence),
        classes: kept.map((d) => d.className),
      });
      if (after === undefined) return;
      for (const [i, next] of after.entries()) publish(name, version, before[i] as ChartReading, next);
    },

    /** The charts of each version of a model this replica has served, oldest version first. */
    report(name: string): ControlChartsView[] {
      const versions = models.get(name) ?? new Map<string, VersionCharts>();
      return [...versions.entries()]
        .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
        .map(([version, charts]) => ({
          model_version: version,
          phase: charts.phase,
          images: charts.images,
          baseline_images: options.charts.baselineImages,
          charts: charts.readings().map((r) => ({
            ...r,
            run:
              r.run === null
                ? null
                : { ...r.run, needed: Number.isFinite(r.run.needed) ? r.run.needed : null },
          })),
        }));
    },

    /** Calls `listener` for every signal raised or cleared; returns the unsubscribe function. */
    subscribe(listener: (signal: AnomalySignal) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type AnomalyMonitor = ReturnType<typeof createAnomalyMonitor>;
