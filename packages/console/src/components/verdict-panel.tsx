// The verdict, the rule that decided it and why, with what produced it (model, timings).
import type { InferenceResult } from '@chipq/sdk';

export function VerdictBadge(props: { status: string | undefined }) {
  const status = props.status ?? 'NONE';
  return <span class={`verdict verdict-${status.toLowerCase()}`}>{props.status ?? '—'}</span>;
}

export function VerdictPanel(props: { result: InferenceResult }) {
  const { result } = props;
  const { verdict, timings, traceability } = result;
  const trace = [
    ['Lot', traceability.lot_id],
    ['Wafer', traceability.wafer_id],
    ['Die', traceability.die_x === null ? null : `${traceability.die_x}, ${traceability.die_y}`],
    ['Station', traceability.station_id],
  ].filter(([, v]) => v !== null) as Array<[string, string]>;
  return (
    <section class="panel verdict-panel" aria-label="Verdict">
      <h2>
        Verdict <VerdictBadge status={verdict?.status} />
      </h2>
      {verdict !== null ? (
        <dl>
          <dt>Rule</dt>
          <dd>
            <code data-testid="verdict-rule">{verdict.rule}</code>
          </dd>
          <dt>Why</dt>
          <dd>{verdict.reason}</dd>
          <dt>Quality score</dt>
          <dd>{verdict.score.toFixed(2)}</dd>
        </dl>
      ) : (
        <p role="alert">
          {result.status}: {result.error?.code} {result.error?.message}
        </p>
      )}
      <dl>
        <dt>Model</dt>
        <dd>
          {result.model.name ?? '—'} v{result.model.version ?? '—'}
        </dd>
        {timings !== null && (
          <>
            <dt>Time</dt>
            <dd>
              {timings.total_ms.toFixed(0)} ms (inference {timings.infer_ms.toFixed(0)} ms)
            </dd>
          </>
        )}
        <dt>Image</dt>
        <dd>
          {result.image.width}×{result.image.height} {result.image.format}
          {result.reference !== null ? ', with reference' : ''}
        </dd>
        {trace.map(([k, v]) => (
          <>
            <dt key={k}>{k}</dt>
            <dd>{v}</dd>
          </>
        ))}
        <dt>Result</dt>
        <dd>
          <a href={`/results/${result.id}`}>{result.id.slice(0, 8)}</a>{' '}
          <time dateTime={result.created_at}>{new Date(result.created_at).toLocaleString()}</time>
        </dd>
      </dl>
    </section>
  );
}
