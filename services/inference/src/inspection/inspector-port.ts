/**
 * What the service needs from core's inspector (`createInspector`), declared here as the small
 * subset we call so the routes and services depend on a shape, not on how core builds it.
 * Core's `Inspector` satisfies it structurally.
 */
import type { Engine, ModelRepositoryEntry } from '@chipq/core';

export interface InspectRequest {
  image: Uint8Array;
  reference?: Uint8Array | undefined;
  model?: string | undefined;
  version?: string | undefined;
  confidenceThreshold?: number | undefined;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  traceparent?: string | undefined;
}

export type DefectSeverity = 'low' | 'medium' | 'high' | 'critical';

export interface InspectedDetection {
  classId: number;
  className: string;
  confidence: number;
  /** Corners in the original image's pixels. */
  box: { x1: number; y1: number; x2: number; y2: number };
  severity: DefectSeverity;
}

export interface InspectionOutcome {
  model: { name: string; version: string };
  image: { width: number; height: number; format: string };
  detections: InspectedDetection[];
  verdict: { status: 'PASS' | 'FAIL' | 'REVIEW'; rule: string; reason: string; score: number };
  timings: { decodeMs: number; preprocessMs: number; queueMs: number; inferMs: number; postprocessMs: number; totalMs: number };
}

export interface InspectorPort {
  readonly engine: Engine;
  inspect(request: InspectRequest): Promise<InspectionOutcome>;
  /** The repository's models (config, versions, labels, card). */
  models(): ModelRepositoryEntry[] | Promise<ModelRepositoryEntry[]>;
  close(): Promise<void>;
}
