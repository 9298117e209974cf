// Throughput, latency p50/p99, defect rate and anomalies of one model over time, from the
// existing endpoints: one metrics summary per time bucket (GET /inference/metrics/summary with
// from/to), the anomaly rules replayed at the end of each bucket (GET .../anomalies?at=), the
// current anomaly report with this replica's control charts, and the precision reviews give
// each version by day (GET /reviews/quality).
import type { AnomalyReport, ChipqClient, MetricsSummary, ReviewQuality } from '@chipq/sdk';
import { useState } from 'preact/hooks';
import { apiClient } from '../api-client.js';
import { useAsync } from '../use-async.js';
import { LineChart } from './line-chart.js';

const ranges = { '1h': [60, 12], '6h': [360, 12], '24h': [1440, 12] } as const;
type Range = keyof typeof ranges;

async function buckets(client: ChipqClient, model: string, range: Range, signal: AbortSignal) {
  const [minutes, count] = ranges[range];
  const step = (minutes * 60_000) / count;
  const end = Date.now();
  const starts = Array.from({ length: count }, (_, i) => end - (count - i) * step);
  const summaries: MetricsSummary[] = await Promise.all(
    starts.map((start) =>
      client.metricsSummary(
        { from: new Date(start).toISOString(), to: new Date(start + step).toISOString(), model },
        { signal },
      ),
    ),
  );
  // The window rules as they stood at each bucket's end: a severity level per metric and time.
  const anomalies: AnomalyReport[] = await Promise.all(
    starts.map((start) =>
      client.monitoring.anomalies(
        model,
        {
          window_minutes: Math.max(1, Math.round(step / 60_000)),
          min_samples: 5,
          at: new Date(start + step).toISOString(),
        },
        { signal },
      ),
    ),
  );
  return { starts, summaries, anomalies };
}

const severityLevel = { low: 1, medium: 2, high: 3, critical: 4 } as const;
const anomalyMetrics = [
  ['latency_p95_ms', 'latency p95', '#D55E00'],
  ['error_rate', 'error rate', '#000000'],
  ['defect_rate', 'defect rate', '#CC79A7'],
] as const;

/** A check's level at one time: 0 ok, 1-4 by severity, null without enough data. */
function level(report: AnomalyReport, metric: string): number | null {
  const check = report.checks.find((c) => c.metric === metric);
  if (check === undefined || check.status === 'insufficient_data') return null;
  const anomaly = report.anomalies.find((a) => a.metric === metric);
  return anomaly === undefined ? 0 : severityLevel[anomaly.severity];
}

const dayMs = 86_400_000;

/** Precision per version by day over the last two weeks, one series per version. */
function precisionSeries(quality: ReviewQuality | undefined, days: number[]) {
  const colours = ['#0072B2', '#E69F00', '#009E73', '#56B4E9', '#D55E00'];
  return (quality?.groups ?? []).map((g, i) => ({
    name: `v${g.model.version}`,
    colour: colours[i % colours.length] as string,
    values: days.map((day) => {
      const bucket = g.buckets.find((b) => b.start !== null && Date.parse(b.start) === day);
      return bucket?.precision === null || bucket === undefined ? null : bucket.precision.value * 100;
    }),
  }));
}

export function ModelCharts(props: { model: string }) {
  const [range, setRange] = useState<Range>('1h');
  const data = useAsync((signal) => buckets(apiClient(), props.model, range, signal), [props.model, range]);
  const anomalies = useAsync(
    (signal) => apiClient().monitoring.anomalies(props.model, {}, { signal }),
    [props.model],
  );
  const today = Math.floor(Date.now() / dayMs) * dayMs;
  const days = Array.from({ length: 14 }, (_, i) => today - (13 - i) * dayMs);
  const quality = useAsync(
    (signal) =>
      apiClient().reviews.quality(
        { model: props.model, bucket: 'day', from: new Date(days[0] as number).toISOString() },
        { signal },
      ),
    [props.model],
  );
  const labels = (data.data?.starts ?? []).map((t) =>
    new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }),
  );
  const per = (pick: (m: MetricsSummary['models'][number]) => number | null) =>
    (data.data?.summaries ?? []).map((s) => {
      const models = s.models.filter((m) => m.completed > 0);
      if (models.length === 0) return null;
      // Versions of the model, weighted by their completed count.
      const total = models.reduce((n, m) => n + m.completed, 0);
      return models.reduce((sum, m) => sum + (pick(m) ?? 0) * m.completed, 0) / total;
    });
  const throughput = (data.data?.summaries ?? []).map((s) => s.totals.throughput_per_s * 60);
  return (
    <section class="panel" aria-label={`Metrics of ${props.model}`}>
      <div class="toolbar">
        <h3>Over time</h3>
        <span class="spacer" />
        <label>
          Range
          <select value={range} onChange={(e) => setRange(e.currentTarget.value as Range)}>
            {Object.keys(ranges).map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
      </div>
      {data.error !== undefined && <p role="alert">{data.error}</p>}
      <div class="charts">
        <LineChart
          title="Throughput"
          unit="images/min"
          labels={labels}
          series={[{ name: 'completed', colour: '#0072B2', values: throughput }]}
        />
        <LineChart
          title="Latency"
          unit="ms"
          labels={labels}
          series={[
            { name: 'p50', colour: '#009E73', values: per((m) => m.latency_ms.total?.p50 ?? null) },
            { name: 'p99', colour: '#D55E00', values: per((m) => m.latency_ms.total?.p99 ?? null) },
          ]}
        />
        <LineChart
          title="Defect rate"
          unit="% FAIL"
          labels={labels}
          series={[
            {
              name: 'FAIL share',
              colour: '#CC79A7',
              values: per((m) => (100 * (m.verdicts.FAIL ?? 0)) / Math.max(1, m.completed)),
            },
          ]}
        />
        <LineChart
          title="Anomalies"
          unit="severity 0 ok – 4 critical"
          labels={labels}
          series={anomalyMetrics.map(([metric, name, colour]) => ({
            name,
            colour,
            values: (data.data?.anomalies ?? []).map((report) => level(report, metric)),
          }))}
        />
        <LineChart
          title="Precision from reviews"
          unit="% by day, 14 d"
          labels={days.map((d) => new Date(d).toLocaleDateString([], { month: 'short', day: 'numeric' }))}
          series={precisionSeries(quality.data, days)}
        />
      </div>
      <h3>Anomalies now (last 15 min against the 24 h before)</h3>
      {anomalies.error !== undefined && <p role="alert">{anomalies.error}</p>}
      {anomalies.data !== undefined && (
        <ul class="checks">
          {anomalies.data.checks.map((c) => (
            <li key={c.metric} class={`check-${c.status}`}>
              <strong>{c.metric}</strong>: {c.status.replace('_', ' ')} — {c.description}
            </li>
          ))}
          {anomalies.data.control_charts.flatMap((v) =>
            v.charts.map((c) => (
              <li
                key={`${v.model_version}/${c.chart}`}
                class={c.status === 'out_of_control' ? 'check-anomaly' : ''}
              >
                <strong>
                  v{v.model_version} {c.chart.replaceAll('_', ' ')}
                </strong>
                : {c.status.replaceAll('_', ' ')} (control chart, {v.phase}, {c.points} points)
              </li>
            )),
          )}
        </ul>
      )}
    </section>
  );
}
