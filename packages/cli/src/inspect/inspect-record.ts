/**
 * The line written per image to the results file: what was inspected, the verdict, the defects
 * and, when the image could not be processed, the error code and message. Built the same way in
 * embedded and server mode.
 */
import { relative, sep } from 'node:path';
import type { BackendResult, BoxCorners } from './inspect-backend.js';
import type { InspectItem, Traceability } from './inspect-item.js';

export interface DefectRecord {
  class: string;
  class_id: number;
  confidence: number;
  severity: string | null;
  box: BoxCorners;
}

export interface InspectRecord extends Traceability {
  image: string;
  reference: string | null;
  status: 'ok' | 'error';
  verdict: 'PASS' | 'FAIL' | 'REVIEW' | null;
  rule: string | null;
  reason: string | null;
  score: number | null;
  model: string | null;
  version: string | null;
  /** The server's result id (server mode), to read it back with GET /inference/{id}. */
  result_id: string | null;
  width: number | null;
  height: number | null;
  defects: DefectRecord[];
  /** Detections just below the threshold, for a human look. */
  review: DefectRecord[];
  total_ms: number | null;
  error: { code: string; message: string } | null;
}

/** A path as the user will recognise it: relative to the working folder when inside it. */
function displayPath(path: string, cwd: string): string {
  const inside = relative(cwd, path);
  return inside === '' || inside.startsWith('..') || inside.startsWith(sep) ? path : inside;
}

function base(item: InspectItem, cwd: string): Pick<InspectRecord, 'image' | 'reference'> & Traceability {
  return {
    image: displayPath(item.image, cwd),
    reference: item.reference ? displayPath(item.reference, cwd) : null,
    ...item.traceability,
  };
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/** The record of an inspected image. */
export function resultRecord(item: InspectItem, result: BackendResult, cwd: string): InspectRecord {
  const defect = (d: BackendResult['detections'][number]): DefectRecord => ({
    class: d.className,
    class_id: d.classId,
    confidence: round(d.confidence, 4),
    severity: d.severity ?? null,
    box: { x1: round(d.box.x1, 1), y1: round(d.box.y1, 1), x2: round(d.box.x2, 1), y2: round(d.box.y2, 1) },
  });
  return {
    ...base(item, cwd),
    status: 'ok',
    verdict: result.verdict.status,
    rule: result.verdict.rule,
    reason: result.verdict.reason,
    score: round(result.verdict.score, 4),
    model: result.model.name,
    version: result.model.version,
    result_id: result.id ?? null,
    width: result.image.width,
    height: result.image.height,
    defects: result.detections.map(defect),
    review: result.review.map(defect),
    total_ms: round(result.totalMs, 2),
    error: null,
  };
}

/** The record of an image that could not be processed. */
export function errorRecord(
  item: InspectItem,
  error: { code: string; message: string },
  cwd: string,
): InspectRecord {
  return {
    ...base(item, cwd),
    status: 'error',
    verdict: null,
    rule: null,
    reason: null,
    score: null,
    model: null,
    version: null,
    result_id: null,
    width: null,
    height: null,
    defects: [],
    review: [],
    total_ms: null,
    error,
  };
}

/** `{ code, message }` of anything thrown: our codes when present, else INTERNAL. */
export function describeError(error: unknown): { code: string; message: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      code: typeof code === 'string' && /^[A-Z][A-Z_]+$/.test(code) ? code : 'INTERNAL',
      message: error.message,
    };
  }
  return { code: 'INTERNAL', message: String(error) };
}
