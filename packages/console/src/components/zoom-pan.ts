// Zoom and pan of one stage inside a viewport: the wheel zooms about the pointer, dragging
// pans, and keys (+ - 0 and arrows) do the same for keyboard users. State is a scale on top of
// "fit to width" and a translation in screen pixels.
import { useCallback, useRef, useState } from 'preact/hooks';

export interface View {
  zoom: number;
  x: number;
  y: number;
}

const fit: View = { zoom: 1, x: 0, y: 0 };
const minZoom = 1;
const maxZoom = 16;

export function useZoomPan(options: { panEnabled: boolean }) {
  const [view, setView] = useState<View>(fit);
  const drag = useRef<{ pointerId: number; startX: number; startY: number; from: View } | undefined>(
    undefined,
  );

  /** Zooms by `factor` about (cx, cy), a point in viewport pixels. */
  const zoomAt = useCallback((factor: number, cx: number, cy: number) => {
    setView((v) => {
      const zoom = Math.min(maxZoom, Math.max(minZoom, v.zoom * factor));
      if (zoom === minZoom) return fit;
      const k = zoom / v.zoom;
      return { zoom, x: cx - (cx - v.x) * k, y: cy - (cy - v.y) * k };
    });
  }, []);

  const onWheel = (event: WheelEvent) => {
    event.preventDefault();
    const box = (event.currentTarget as HTMLElement).getBoundingClientRect();
    zoomAt(event.deltaY < 0 ? 1.25 : 0.8, event.clientX - box.left, event.clientY - box.top);
  };
  const onPointerDown = (event: PointerEvent) => {
    if (!options.panEnabled || event.button !== 0) return;
    (event.currentTarget as HTMLElement).setPointerCapture(event.pointerId);
    drag.current = { pointerId: event.pointerId, startX: event.clientX, startY: event.clientY, from: view };
  };
  const onPointerMove = (event: PointerEvent) => {
    const d = drag.current;
    if (d === undefined || d.pointerId !== event.pointerId) return;
    setView({ ...d.from, x: d.from.x + event.clientX - d.startX, y: d.from.y + event.clientY - d.startY });
  };
  const onPointerUp = () => {
    drag.current = undefined;
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const box = (event.currentTarget as HTMLElement).getBoundingClientRect();
    const step = 40;
    const pan = (dx: number, dy: number) =>
      setView((v) => (v.zoom === 1 ? v : { ...v, x: v.x + dx, y: v.y + dy }));
    const keys: Record<string, () => void> = {
      '+': () => zoomAt(1.25, box.width / 2, box.height / 2),
      '=': () => zoomAt(1.25, box.width / 2, box.height / 2),
      '-': () => zoomAt(0.8, box.width / 2, box.height / 2),
      '0': () => setView(fit),
      ArrowLeft: () => pan(step, 0),
      ArrowRight: () => pan(-step, 0),
      ArrowUp: () => pan(0, step),
      ArrowDown: () => pan(0, -step),
    };
    const action = keys[event.key];
    if (action === undefined) return;
    event.preventDefault();
    action();
  };

  return {
    view,
    zoomIn: (box: DOMRect) => zoomAt(1.25, box.width / 2, box.height / 2),
    zoomOut: (box: DOMRect) => zoomAt(0.8, box.width / 2, box.height / 2),
    reset: () => setView(fit),
    handlers: { onWheel, onPointerDown, onPointerMove, onPointerUp, onPointerCancel: onPointerUp, onKeyDown },
  };
}
