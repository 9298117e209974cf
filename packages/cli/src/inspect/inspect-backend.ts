/**
 * What `chipq inspect` needs from whatever runs the model: the embedded engine (core's
 * inspector) or a chipq server (the SDK). Both answer in the same shape, so the runner, the
 * results files, the overlays and the summary do not know which one ran.
 */
import type { Traceability } from './inspect-item.js';

interface BackendInput {
  image: Uint8Array;
  reference?: Uint8Array;
  /** File names, for servers that keep them. */
  imageName: string;
  referenceName?: string;
  traceability: Traceability;
}

export interface BoxCorners {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** A detection in the original image's pixels. */
export interface FoundDefect {
  className: string;
  classId: number;
  confidence: number;
  /** Absent for detections in the review band (they do not count). */
  severity?: string;
  box: BoxCorners;
}

export interface BackendResult {
  model: { name: string; version: string };
  image: { width: number; height: number };
  verdict: { status: 'PASS' | 'FAIL' | 'REVIEW'; rule: string; reason: string; score: number };
  /** Detections that count as defects. */
  detections: FoundDefect[];
  /** Detections in the review band. */
  review: FoundDefect[];
  /** The server's result id (server mode only). */
  id?: string;
  /** Inspection time as the engine side measured it, in ms. */
  totalMs: number;
}

export interface InspectBackend {
  /** One line for the summary, e.g. `embedded engine, models ./models`. */
  readonly description: string;
  /**
   * Inspects one image. Throws an error with a string `code` (core's or the service's) when the
   * image cannot be processed.
   */
  inspect(input: BackendInput, signal: AbortSignal): Promise<BackendResult>;
  close(): Promise<void>;
}
