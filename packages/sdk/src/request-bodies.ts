// Builds the request bodies of predict, batch and deploy from the SDK's camelCase inputs.
// Field names and encodings follow openapi/openapi.json (PredictForm, BatchJson, DeployForm).
import { type BinaryInput, toBase64, toBlob } from './image-input.js';

/** Traceability stored with each result. */
export interface TraceabilityInput {
  lotId?: string;
  waferId?: string;
  dieX?: number;
  dieY?: number;
  stationId?: string;
  tags?: Record<string, string | number | boolean>;
}

export interface ModelChoice {
  /** Default: the service's default model. */
  model?: string;
  /** Default: the newest ready version. */
  version?: string | number;
  /** Default: the service's MODEL_CONFIDENCE_THRESHOLD. */
  confidenceThreshold?: number;
}

export interface PredictInput extends ModelChoice, TraceabilityInput {
  /** The image to inspect: bytes (sent as multipart) or a base64 string (sent as JSON). */
  image: BinaryInput | string;
  /** Its defect-free reference, same size; same encoding rule as `image`. */
  reference?: BinaryInput | string;
  /** File name recorded with the upload. Default `image`. */
  filename?: string;
}

export interface BatchItemInput extends TraceabilityInput {
  image: BinaryInput;
  reference?: BinaryInput;
  /** Shown in the batch's items. Default none. */
  filename?: string;
}

export interface BatchInput extends ModelChoice {
  items: BatchItemInput[];
}

export interface DeployInput {
  /** Model name in the repository. */
  name: string;
  /** The ONNX file. */
  model: BinaryInput;
  /** config.pbtxt text or bytes; required for a new model, else the current config is kept. */
  config?: BinaryInput | string;
  /** labels.txt text or bytes. Default none. */
  labels?: BinaryInput | string;
  /** Default: one past the newest version. */
  version?: string | number;
  /** Load it after writing. Default: the service's default (true). */
  load?: boolean;
}

function traceabilityJson(t: TraceabilityInput) {
  return {
    lot_id: t.lotId,
    wafer_id: t.waferId,
    die_x: t.dieX,
    die_y: t.dieY,
    station_id: t.stationId,
    tags: t.tags,
  };
}

function choiceJson(c: ModelChoice) {
  return {
    model: c.model,
    version: c.version === undefined ? undefined : String(c.version),
    confidence_threshold: c.confidenceThreshold,
  };
}

/** Drops undefined fields so the service sees only what the caller set. */
function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** True when predict must use the JSON (base64) form. */
export const isBase64Predict = (input: PredictInput) => typeof input.image === 'string';

export function predictJson(input: PredictInput) {
  if (input.reference !== undefined && typeof input.reference !== 'string')
    throw new TypeError('a base64 image needs a base64 reference (or pass both as bytes)');
  return defined({
    image: input.image as string,
    reference: input.reference,
    ...choiceJson(input),
    ...traceabilityJson(input),
  });
}

export function predictForm(input: PredictInput): FormData {
  if (typeof input.reference === 'string') throw new TypeError('bytes image needs a bytes reference');
  const form = new FormData();
  form.append('image', toBlob(input.image as BinaryInput), input.filename ?? 'image');
  if (input.reference !== undefined) form.append('reference', toBlob(input.reference), 'reference');
  const { tags, ...scalars } = defined({ ...choiceJson(input), ...traceabilityJson(input) });
  for (const [key, value] of Object.entries(scalars)) form.append(key, String(value));
  if (tags) form.append('tags', JSON.stringify(tags));
  return form;
}

export async function batchJson(input: BatchInput) {
  return defined({
    ...choiceJson(input),
    items: await Promise.all(
      input.items.map(async (item) =>
        defined({
          image: await toBase64(item.image),
          reference: item.reference === undefined ? undefined : await toBase64(item.reference),
          filename: item.filename,
          ...traceabilityJson(item),
        }),
      ),
    ),
  });
}

export function deployForm(input: DeployInput): FormData {
  const form = new FormData();
  const text = (v: BinaryInput | string) => (typeof v === 'string' ? new Blob([v]) : toBlob(v));
  form.append('name', input.name);
  form.append('model', toBlob(input.model), 'model.onnx');
  if (input.config !== undefined) form.append('config', text(input.config), 'config.pbtxt');
  if (input.labels !== undefined) form.append('labels', text(input.labels), 'labels.txt');
  if (input.version !== undefined) form.append('version', String(input.version));
  if (input.load !== undefined) form.append('load', String(input.load));
  return form;
}
