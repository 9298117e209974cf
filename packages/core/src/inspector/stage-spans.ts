/**
 * Spans for an inspection's stages (decode, preprocess, queue, infer, postprocess), made after
 * the fact from the times the inspector measured anyway, as children of the active
 * `chipq.inspect` span. Nothing is done unless that span records (an OpenTelemetry SDK is
 * registered and sampled it), so the path costs nothing when tracing is off.
 */
import { type Attributes, context, trace } from '@opentelemetry/api';

// Looked up at each use, not once at import: an SDK registered later (often through another copy
// of @opentelemetry/api, CJS beside ESM) never reaches a tracer taken before it.
const tracer = () => trace.getTracer('@chipq/core');

export interface StageMarks {
  /** performance.now() values. */
  started: number;
  decodeEnd: number;
  preprocessEnd: number;
  engineStarted: number;
  /** null when the engine cannot split queue from compute (Triton): no queue span then. */
  queueMs: number | null;
  engineEnded: number;
  postStarted: number;
  finished: number;
  batchSize: number | undefined;
}

export function recordStageSpans(marks: StageMarks): void {
  if (!trace.getActiveSpan()?.isRecording()) return;
  const parent = context.active();
  const span = (name: string, start: number, end: number, attributes: Attributes = {}) =>
    tracer().startSpan(name, { startTime: start, attributes }, parent).end(Math.max(start, end));
  span('decode', marks.started, marks.decodeEnd);
  span('preprocess', marks.decodeEnd, marks.preprocessEnd);
  const inferStart = marks.engineStarted + (marks.queueMs ?? 0);
  if (marks.queueMs !== null) span('queue', marks.engineStarted, inferStart);
  span(
    'infer',
    inferStart,
    marks.engineEnded,
    marks.batchSize === undefined ? {} : { 'chipq.batch.size': marks.batchSize },
  );
  span('postprocess', marks.postStarted, marks.finished);
}
