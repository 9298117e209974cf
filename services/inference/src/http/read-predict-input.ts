/**
 * Converts a validated predict body (multipart or JSON) into the service's PredictInput:
 * files and base64 strings become bytes, traceability fields become one object.
 */
import type { PredictForm, PredictJson } from '../schemas/predict-schemas.js';
import type { PredictInput } from '../services/predict-service.js';
import { parseTags } from '../services/traceability.js';

export async function fileBytes(file: File): Promise<Uint8Array> {
  return new Uint8Array(await file.arrayBuffer());
}

export function base64Bytes(text: string): Uint8Array {
  const buffer = Buffer.from(text, 'base64');
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export async function predictInputFromForm(form: PredictForm): Promise<PredictInput> {
  return {
    image: await fileBytes(form.image),
    reference: form.reference === undefined ? undefined : await fileBytes(form.reference),
    model: form.model,
    version: form.version,
    confidenceThreshold: form.confidence_threshold,
    traceability: {
      lotId: form.lot_id,
      waferId: form.wafer_id,
      dieX: form.die_x,
      dieY: form.die_y,
      stationId: form.station_id,
      tags: parseTags(form.tags),
    },
  };
}

export function predictInputFromJson(json: PredictJson): PredictInput {
  return {
    image: base64Bytes(json.image),
    reference: json.reference === undefined ? undefined : base64Bytes(json.reference),
    model: json.model,
    version: json.version,
    confidenceThreshold: json.confidence_threshold,
    traceability: {
      lotId: json.lot_id,
      waferId: json.wafer_id,
      dieX: json.die_x,
      dieY: json.die_y,
      stationId: json.station_id,
      tags: parseTags(json.tags),
    },
  };
}
