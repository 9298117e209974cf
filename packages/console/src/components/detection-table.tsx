// Every detection of a result: class (with its box colour), confidence, severity, place; on
// the Review screen also each one's judgement (true defect or false alarm), toggled by a click
// or by its number key.
import type { Detection } from '@chipq/sdk';
import { classColor } from '../class-colors.js';
import type { DefectOutcome } from '../review-store.js';

export function DetectionTable(props: {
  detections: Detection[];
  onHighlight?: (index: number | undefined) => void;
  /** Judgements to show and toggle (review); absent elsewhere. */
  outcomes?: DefectOutcome[] | undefined;
  onToggle?: ((index: number) => void) | undefined;
}) {
  const judging = props.outcomes !== undefined;
  if (props.detections.length === 0) return <p class="muted">No defects detected.</p>;
  return (
    <table class="detections">
      <caption>{props.detections.length} defect(s)</caption>
      <thead>
        <tr>
          <th scope="col">Class</th>
          <th scope="col">Confidence</th>
          <th scope="col">Severity</th>
          <th scope="col">Box (x, y, w×h)</th>
          {judging && <th scope="col">Judgement</th>}
        </tr>
      </thead>
      <tbody>
        {props.detections.map((d, i) => (
          <tr
            key={i}
            onMouseEnter={() => props.onHighlight?.(i)}
            onMouseLeave={() => props.onHighlight?.(undefined)}
          >
            <td>
              <span class="swatch" style={{ background: classColor(d.class_id).stroke }} aria-hidden="true" />
              {d.defect_type}
            </td>
            <td>{(d.confidence * 100).toFixed(1)}%</td>
            <td>{d.severity}</td>
            <td>
              {Math.round(d.location.x)}, {Math.round(d.location.y)}, {Math.round(d.location.width)}×
              {Math.round(d.location.height)}
            </td>
            {judging && (
              <td>
                {props.onToggle === undefined ? (
                  <span class={`outcome outcome-${props.outcomes?.[i] ?? 'true_defect'}`}>
                    {props.outcomes?.[i] === 'false_alarm' ? 'False alarm' : 'True defect'}
                  </span>
                ) : (
                  <button
                    type="button"
                    class={`outcome outcome-${props.outcomes?.[i] ?? 'true_defect'}`}
                    aria-pressed={props.outcomes?.[i] === 'false_alarm'}
                    aria-keyshortcuts={i < 9 ? String(i + 1) : undefined}
                    onClick={() => props.onToggle?.(i)}
                  >
                    {i < 9 && <kbd>{i + 1}</kbd>}{' '}
                    {props.outcomes?.[i] === 'false_alarm' ? 'False alarm' : 'True defect'}
                  </button>
                )}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
