// The inspected image with its detections drawn on top, coloured by class and labelled with
// confidence; the reference or the difference in its place at a click; zoom and pan. When the
// service did not keep the picture, the boxes are drawn on a frame of the image's size.
import type { InferenceResult } from '@chipq/sdk';
import { useRef, useState } from 'preact/hooks';
import { classColor } from '../class-colors.js';
import type { CachedImages } from '../image-cache.js';
import type { DefectOutcome } from '../review-store.js';
import { DifferenceCanvas } from './difference-canvas.js';
import { useZoomPan } from './zoom-pan.js';

export interface DrawnBox {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  label: string;
}

type Layer = 'image' | 'reference' | 'difference';

export interface InspectionViewProps {
  result: InferenceResult;
  images?: CachedImages | undefined;
  /** Why there is no picture (drawn on the blank frame); undefined while it may still come. */
  missingImage?: string | undefined;
  /** Review judgements: a false alarm's box is drawn dashed and faded. */
  outcomes?: DefectOutcome[] | undefined;
  /** Index of the detection to emphasise (the row under the pointer in the list). */
  highlight?: number | undefined;
  /** Boxes a reviewer drew for defects the model missed. */
  drawn?: DrawnBox[];
  /** When set, dragging draws a box (in image pixels) instead of panning. */
  onDraw?: ((box: Omit<DrawnBox, 'label'>) => void) | undefined;
}

export function InspectionView(props: InspectionViewProps) {
  const { result, images } = props;
  const width = result.image.width ?? 640;
  const height = result.image.height ?? 640;
  const [layer, setLayer] = useState<Layer>('image');
  const [showBoxes, setShowBoxes] = useState(true);
  const drawing = props.onDraw !== undefined;
  const { view, handlers, zoomIn, zoomOut, reset } = useZoomPan({ panEnabled: !drawing });
  const viewport = useRef<HTMLDivElement>(null);
  const svg = useRef<SVGSVGElement>(null);
  const [sketch, setSketch] = useState<{ x0: number; y0: number; x1: number; y1: number }>();

  const toImage = (event: PointerEvent) => {
    const box = svg.current?.getBoundingClientRect();
    if (box === undefined) return { x: 0, y: 0 };
    const clamp = (v: number, max: number) => Math.min(max, Math.max(0, v));
    return {
      x: clamp(((event.clientX - box.left) / box.width) * width, width),
      y: clamp(((event.clientY - box.top) / box.height) * height, height),
    };
  };
  const drawHandlers = drawing
    ? {
        onPointerDown: (event: PointerEvent) => {
          (event.currentTarget as Element).setPointerCapture(event.pointerId);
          const p = toImage(event);
          setSketch({ x0: p.x, y0: p.y, x1: p.x, y1: p.y });
        },
        onPointerMove: (event: PointerEvent) => {
          if (sketch === undefined) return;
          const p = toImage(event);
          setSketch({ ...sketch, x1: p.x, y1: p.y });
        },
        onPointerUp: () => {
          if (
            sketch !== undefined &&
            Math.abs(sketch.x1 - sketch.x0) > 2 &&
            Math.abs(sketch.y1 - sketch.y0) > 2
          ) {
            props.onDraw?.({
              x1: Math.min(sketch.x0, sketch.x1),
              y1: Math.min(sketch.y0, sketch.y1),
              x2: Math.max(sketch.x0, sketch.x1),
              y2: Math.max(sketch.y0, sketch.y1),
            });
          }
          setSketch(undefined);
        },
      }
    : {};

  const hasReference = images?.reference !== undefined;
  const layers: Array<[Layer, string, boolean]> = [
    ['image', 'Image', true],
    ['reference', 'Reference', hasReference],
    ['difference', 'Difference', hasReference],
  ];
  const fontSize = Math.max(10, width / 48);
  const rect = () => viewport.current?.getBoundingClientRect() ?? new DOMRect();

  return (
    <section class="inspection" aria-label="Inspected image">
      <div class="toolbar" role="toolbar" aria-label="View">
        <fieldset class="segmented">
          <legend class="sr-only">Show</legend>
          {layers.map(([value, label, enabled]) => (
            <label key={value} class={enabled ? '' : 'disabled'}>
              <input
                type="radio"
                name="layer"
                value={value}
                checked={layer === value}
                disabled={!enabled}
                onChange={() => setLayer(value)}
              />
              {label}
            </label>
          ))}
        </fieldset>
        <label class="check">
          <input type="checkbox" checked={showBoxes} onChange={() => setShowBoxes(!showBoxes)} /> Boxes
        </label>
        <span class="spacer" />
        <button type="button" onClick={() => zoomOut(rect())} aria-label="Zoom out">
          −
        </button>
        <output aria-live="polite" aria-label="Zoom">
          {Math.round(view.zoom * 100)}%
        </output>
        <button type="button" onClick={() => zoomIn(rect())} aria-label="Zoom in">
          +
        </button>
        <button type="button" onClick={reset}>
          Fit
        </button>
      </div>
      <div
        ref={viewport}
        class={`viewport${drawing ? ' drawing' : ''}`}
        role="application"
        aria-roledescription="zoomable image"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the viewport takes keys (+ - 0, arrows) to zoom and pan
        tabIndex={0}
        aria-label="Image viewport: + and - zoom, arrows pan, 0 fits"
        {...handlers}
      >
        <div
          class="stage"
          style={{
            aspectRatio: `${width} / ${height}`,
            // The whole image fits the window at "Fit", however tall it is.
            width: `min(100%, calc(70vh * ${width / height}))`,
            transform: `translate(${view.x}px, ${view.y}px) scale(${view.zoom})`,
          }}
        >
          {images === undefined ? (
            <div class="layer frame">
              <span>
                {props.missingImage === undefined
                  ? `Loading the image… boxes on a ${width}×${height} frame`
                  : `${props.missingImage}: boxes on a blank ${width}×${height} frame`}
              </span>
            </div>
          ) : layer === 'difference' && images.reference !== undefined ? (
            <DifferenceCanvas
              image={images.image}
              reference={images.reference}
              width={width}
              height={height}
            />
          ) : (
            <img
              class="layer"
              src={layer === 'reference' && images.reference ? images.reference : images.image}
              alt={layer === 'reference' ? 'Reference image' : 'Inspected image'}
              draggable={false}
            />
          )}
          <svg
            ref={svg}
            class="layer boxes"
            viewBox={`0 0 ${width} ${height}`}
            role="img"
            aria-label={`${result.detections.length} detection(s) drawn`}
            {...drawHandlers}
          >
            {showBoxes &&
              result.detections.map((d, i) => {
                const colour = classColor(d.class_id);
                const label = `${d.defect_type} ${(d.confidence * 100).toFixed(0)}%`;
                const above = d.box.y1 > fontSize + 2;
                return (
                  <g
                    key={i}
                    class={`${props.highlight === i ? 'highlight' : ''}${props.outcomes?.[i] === 'false_alarm' ? ' false-alarm' : ''}`}
                    data-defect={d.defect_type}
                  >
                    <rect
                      x={d.box.x1}
                      y={d.box.y1}
                      width={d.box.x2 - d.box.x1}
                      height={d.box.y2 - d.box.y1}
                      fill="none"
                      stroke={colour.stroke}
                      stroke-width={props.highlight === i ? 4 : 2}
                      vector-effect="non-scaling-stroke"
                    />
                    <rect
                      x={d.box.x1}
                      y={above ? d.box.y1 - fontSize - 2 : d.box.y2}
                      width={label.length * fontSize * 0.6 + 4}
                      height={fontSize + 2}
                      fill={colour.stroke}
                    />
                    <text
                      x={d.box.x1 + 2}
                      y={above ? d.box.y1 - 3 : d.box.y2 + fontSize - 1}
                      font-size={fontSize}
                      fill={colour.text}
                    >
                      {label}
                    </text>
                  </g>
                );
              })}
            {showBoxes &&
              (props.drawn ?? []).map((b, i) => (
                <g key={`drawn-${i}`} class="drawn">
                  <rect
                    x={b.x1}
                    y={b.y1}
                    width={b.x2 - b.x1}
                    height={b.y2 - b.y1}
                    fill="none"
                    stroke="#ff2bd6"
                    stroke-dasharray="6 3"
                    stroke-width={2}
                    vector-effect="non-scaling-stroke"
                  />
                  <text x={b.x1 + 2} y={b.y2 + fontSize} font-size={fontSize} fill="#ff2bd6">
                    {b.label} (missed)
                  </text>
                </g>
              ))}
            {sketch !== undefined && (
              <rect
                x={Math.min(sketch.x0, sketch.x1)}
                y={Math.min(sketch.y0, sketch.y1)}
                width={Math.abs(sketch.x1 - sketch.x0)}
                height={Math.abs(sketch.y1 - sketch.y0)}
                fill="none"
                stroke="#ff2bd6"
                stroke-width={2}
                vector-effect="non-scaling-stroke"
              />
            )}
          </svg>
        </div>
      </div>
    </section>
  );
}
