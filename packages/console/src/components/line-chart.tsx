// A small SVG line chart for a few series over time buckets: hand-written because the console
// needs four of these and a chart library would cost more than the rest of the first screen.
export interface Series {
  name: string;
  colour: string;
  /** One value per bucket; null where there was no data. */
  values: Array<number | null>;
}

const w = 360;
const h = 150;
const pad = { left: 44, right: 8, top: 10, bottom: 22 };

function format(value: number): string {
  if (value === 0) return '0';
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 1) return value.toFixed(1);
  return value.toPrecision(2);
}

export function LineChart(props: { title: string; unit: string; labels: string[]; series: Series[] }) {
  const all = props.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = Math.max(...all, 0) || 1;
  const n = Math.max(1, props.labels.length - 1);
  const x = (i: number) => pad.left + (i / n) * (w - pad.left - pad.right);
  const y = (v: number) => h - pad.bottom - (v / max) * (h - pad.top - pad.bottom);
  const last = props.series
    .map((s) => `${s.name} ${format([...s.values].reverse().find((v) => v !== null) ?? 0)} ${props.unit}`)
    .join(', ');
  return (
    <figure class="chart">
      <figcaption>
        {props.title} <span class="muted">({props.unit})</span>
      </figcaption>
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-label={`${props.title}, latest: ${last}`}>
        {[0, 0.5, 1].map((t) => (
          <g key={t}>
            <line x1={pad.left} x2={w - pad.right} y1={y(max * t)} y2={y(max * t)} class="grid" />
            <text x={pad.left - 4} y={y(max * t) + 4} text-anchor="end" class="tick">
              {format(max * t)}
            </text>
          </g>
        ))}
        {props.labels.map((label, i) =>
          i % Math.ceil(props.labels.length / 4) === 0 ? (
            <text key={label} x={x(i)} y={h - 6} text-anchor="middle" class="tick">
              {label}
            </text>
          ) : null,
        )}
        {props.series.map((s) => {
          const points = s.values.flatMap((v, i) => (v === null ? [] : [`${x(i)},${y(v)}`]));
          return (
            <g key={s.name}>
              <polyline points={points.join(' ')} fill="none" stroke={s.colour} stroke-width={2} />
              {s.values.map((v, i) =>
                v === null ? null : <circle key={i} cx={x(i)} cy={y(v)} r={2.5} fill={s.colour} />,
              )}
            </g>
          );
        })}
      </svg>
      {props.series.length > 1 && (
        <ul class="legend">
          {props.series.map((s) => (
            <li key={s.name}>
              <span class="swatch" style={{ background: s.colour }} aria-hidden="true" />
              {s.name}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
