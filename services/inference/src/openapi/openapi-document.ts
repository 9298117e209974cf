/**
 * The OpenAPI 3.1 document, generated from the route definitions. `openapi/openapi.json` at
 * the repository root is this document as committed (written by `pnpm openapi:write`); a test
 * fails when the served document and the committed file differ.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../http/app-env.js';

const apiInfo = {
  title: 'chipq inference API',
  version: '1.0.0',
  description:
    'Visual defect detection for PCB and semiconductor images: inspect one image (with its defect-free reference), queue durable batches, ' +
    'read results back by id, manage models on the embedded ONNX Runtime engine or Triton, and monitor health, metrics and anomalies.\n\n' +
    'Errors are RFC 9457 `application/problem+json` with a stable `code`; validation errors list every bad field in `errors`.\n\n' +
    'Differences from the platform contracts: the running state of a batch is `processing` (the platform word) where the issue said `running`; ' +
    'detections carry both `box` (x1, y1, x2, y2) and the platform `location` (x, y, width, height); predict results are stored in our own ' +
    '`inferences` table (traceability: lot_id, wafer_id, die_x, die_y, station_id, tags) rather than the platform inspections table.',
  license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
};

/** The document, deterministic for a given set of routes (no host or time in it). */
export function openApiDocument(app: OpenAPIHono<AppEnv>): Record<string, unknown> {
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: apiInfo,
    servers: [{ url: '/', description: 'This service' }],
    tags: [
      { name: 'inference', description: 'Predict, batches, results and metrics over stored results.' },
      { name: 'models', description: 'The model repository and the engine state of each model.' },
      {
        name: 'experiments',
        description:
          'A/B experiments between versions of a model on live traffic: split by lot, wafer or request, or shadow; per-arm figures with confidence intervals and tests.',
      },
      { name: 'monitoring', description: 'Health, per-model metrics and anomalies.' },
      { name: 'keys', description: 'API keys and their scopes (admin only).' },
      {
        name: 'lots',
        description:
          'Lots and wafers read back from stored results: summaries, per-die verdicts, wafer maps (SVG, SEMI G85) and KLARF 1.8 defect files.',
      },
    ],
  }) as unknown as Record<string, unknown>;
}
