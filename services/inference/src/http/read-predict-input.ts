/**
 * Converts a validated predict body (multipart or JSON) into the service's PredictInput:
 * files and base64 strings become bytes, traceability fields become one object.
 */
import type { PredictForm, PredictJson } from '../schemas/predict-schemas.js';
import type { PredictInput } from '../services/predict-service.js';
import { traceabilityFromFields } from '../services/traceability.js';

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
    traceability: traceabilityFromFields(form),
  };
}

export function predictInputFromJson(json: PredictJson): PredictInput {
  return {
    image: base64Bytes(json.image),
    reference: json.reference === undefined ? undefined : base64Bytes(json.reference),
    model: json.model,
    version: json.version,
    confidenceThreshold: json.confidence_threshold,
    traceability: traceabilityFromFields(json),
  };
}
