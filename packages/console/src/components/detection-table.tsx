// Every detection of a result: class (with its box colour), confidence, severity, place.
import type { Detection } from '@chipq/sdk';
import { classColor } from '../class-colors.js';

export function DetectionTable(props: {
  detections: Detection[];
  onHighlight?: (index: number | undefined) => void;
}) {
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
          </tr>
        ))}
      </tbody>
    </table>
  );
}
