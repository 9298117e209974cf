// Precision, recall and verdict agreement per model version, from the service's reviews (GET
// /reviews/quality), each with its 95 % interval: what the reviews on this screen add up to.
import type { Estimate } from '@chipq/sdk';
import { apiClient } from '../api-client.js';
import { useAsync } from '../use-async.js';

const percent = (e: Estimate | null) =>
  e === null
    ? '—'
    : `${(e.value * 100).toFixed(1)} % (${(e.low * 100).toFixed(0)}–${(e.high * 100).toFixed(0)})`;

export function QualityTable(props: { model: string | undefined; tick: number }) {
  const quality = useAsync(
    (signal) =>
      apiClient().reviews.quality(
        { bucket: 'all', ...(props.model ? { model: props.model } : {}) },
        { signal },
      ),
    [props.model, props.tick],
  );
  return (
    <section class="panel" aria-label="Precision by version">
      <h2>Precision by version, from reviews</h2>
      {quality.error !== undefined && <p role="alert">{quality.error}</p>}
      {quality.data !== undefined && quality.data.groups.length === 0 && <p class="muted">No reviews yet.</p>}
      {quality.data !== undefined && quality.data.groups.length > 0 && (
        <table class="quality">
          <caption class="sr-only">
            Figures from the current review of each result, 95 % Wilson intervals
          </caption>
          <thead>
            <tr>
              <th scope="col">Model version</th>
              <th scope="col">Reviewed</th>
              <th scope="col">True / false / missed</th>
              <th scope="col">Precision</th>
              <th scope="col">Recall</th>
              <th scope="col">Verdict agreement</th>
            </tr>
          </thead>
          <tbody>
            {quality.data.groups.map((g) => (
              <tr key={`${g.model.name}/${g.model.version}`} data-version={g.model.version ?? ''}>
                <td>
                  {g.model.name} v{g.model.version}
                </td>
                <td>{g.total.reviewed}</td>
                <td>
                  {g.total.true_defects} / {g.total.false_alarms} / {g.total.missed}
                </td>
                <td data-testid="precision">{percent(g.total.precision)}</td>
                <td>{percent(g.total.recall)}</td>
                <td>{percent(g.total.verdict_agreement)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
