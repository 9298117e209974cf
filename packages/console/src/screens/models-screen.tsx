// Models and health: the service's readiness, each model's versions and state (and the
// default version, which serves requests that name none), load and unload with the admin key asked for
// here and kept for this tab only, and charts of the selected model (throughput, latency, defect rate,
// anomalies and reviewed precision over time).
import { ChipqApiError, type Health, type ModelSummary } from '@chipq/sdk';
import { useState } from 'preact/hooks';
import { apiClient, describeError } from '../api-client.js';
import { ApiKeyForm } from '../components/api-key-form.js';
import { ModelCharts } from '../components/model-charts.js';
import { navigate, useLocation } from '../router.js';
import { useAsync } from '../use-async.js';

/** A 503 (not ready) still carries the health report; show it rather than an error. */
async function health(signal: AbortSignal): Promise<Health> {
  try {
    return await apiClient().monitoring.health({}, { signal, timeoutMs: 10_000 });
  } catch (error) {
    if (error instanceof ChipqApiError && error.status === 503 && error.problem !== undefined)
      return error.problem as unknown as Health;
    throw error;
  }
}

function ModelCard(props: { model: ModelSummary; selected: boolean; onChanged: () => void }) {
  const { model } = props;
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  // config.pbtxt's chipq.default_version when set, else the newest ready version serves.
  const newestReady = model.versions
    .filter((v) => v.ready)
    .map((v) => v.version)
    .sort((a, b) => Number(b) - Number(a))[0];
  const defaultVersion = model.default_version ?? newestReady;
  const defaultNote = model.default_version === null ? 'yes (newest ready)' : 'yes (configured)';
  async function act(action: 'load' | 'unload') {
    setBusy(action);
    setError(undefined);
    try {
      await apiClient().models[action](model.name);
      props.onChanged();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(undefined);
    }
  }
  return (
    <article
      class={`panel model${props.selected ? ' selected' : ''}`}
      aria-labelledby={`model-${model.name}`}
    >
      <div class="toolbar">
        <h2 id={`model-${model.name}`}>
          <a href={`/models?model=${encodeURIComponent(model.name)}`}>{model.name}</a>
        </h2>
        <span class={`state state-${model.state.toLowerCase()}`}>{model.state}</span>
        <span class="spacer" />
        <button type="button" disabled={busy !== undefined} onClick={() => act('load')}>
          {busy === 'load' ? 'Loading…' : 'Load'}
        </button>
        <button type="button" disabled={busy !== undefined} onClick={() => act('unload')}>
          {busy === 'unload' ? 'Unloading…' : 'Unload'}
        </button>
      </div>
      {error !== undefined && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <p class="muted">
        {model.platform}, {model.decoder ?? 'no decoder'}, max batch {model.max_batch_size}
        {model.labels !== null ? `, classes: ${model.labels.join(', ')}` : ''}
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">State</th>
            <th scope="col">Default</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {model.versions.map((v) => (
            <tr key={v.version}>
              <td>{v.version}</td>
              <td>
                <span class={`state state-${v.state.toLowerCase()}`}>{v.state}</span>
              </td>
              <td>{v.version === defaultVersion ? defaultNote : ''}</td>
              <td>{v.reason || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </article>
  );
}

export function ModelsScreen() {
  const { query } = useLocation();
  const status = useAsync(health, []);
  const models = useAsync((signal) => apiClient().models.list({ signal }), []);
  const list = models.data?.models ?? [];
  const selected = query.get('model') ?? list[0]?.name;
  const reload = () => {
    models.reload();
    status.reload();
  };
  return (
    <>
      <h1>Models and health</h1>
      <section class="panel" aria-label="Service health">
        {status.error !== undefined && <p role="alert">{status.error}</p>}
        {status.data !== undefined && (
          <p>
            Service <span class={`state state-${status.data.status}`}>{status.data.status}</span> ·{' '}
            {status.data.environment} · database {status.data.checks.database.kind} (
            {status.data.checks.database.status}) · engine {status.data.checks.engine.kind} (
            {status.data.checks.engine.status}) · up {Math.round(status.data.uptime_s / 60)} min
          </p>
        )}
      </section>
      <ApiKeyForm purpose="load and unload need an admin key" />
      {models.error !== undefined && (
        <p role="alert" class="error">
          {models.error}
        </p>
      )}
      <div class="models">
        {list.map((m) => (
          <ModelCard key={m.name} model={m} selected={m.name === selected} onChanged={reload} />
        ))}
      </div>
      {selected !== undefined && list.length > 1 && (
        <label>
          Charts for{' '}
          <select
            value={selected}
            onChange={(e) => navigate(`/models?model=${encodeURIComponent(e.currentTarget.value)}`)}
          >
            {list.map((m) => (
              <option key={m.name}>{m.name}</option>
            ))}
          </select>
        </label>
      )}
      {selected !== undefined && <ModelCharts model={selected} />}
    </>
  );
}
