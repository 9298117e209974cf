// Throughput, latency p50/p99, defect rate and anomalies of one model over time, from the
// existing endpoints: one metrics summary per time bucket (GET /inference/metrics/summary with
// from/to) and the current anomaly report.
import type { ChipqClient, MetricsSummary } from '@chipq/sdk';
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
  return { starts, summaries };
}

export function ModelCharts(props: { model: string }) {
  const [range, setRange] = useState<Range>('1h');
  const data = useAsync((signal) => buckets(apiClient(), props.model, range, signal), [props.model, range]);
  const anomalies = useAsync(
    (signal) => apiClient().monitoring.anomalies(props.model, {}, { signal }),
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
      </div>
      <h3>Anomalies (last 15 min against the 24 h before)</h3>
      {anomalies.error !== undefined && <p role="alert">{anomalies.error}</p>}
      {anomalies.data !== undefined && (
        <ul class="checks">
          {anomalies.data.checks.map((c) => (
            <li key={c.metric} class={`check-${c.status}`}>
              <strong>{c.metric}</strong>: {c.status.replace('_', ' ')} — {c.description}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
