/**
 * `--server URL`: inspections on a chipq server through @chipq/sdk (one predict per image, so
 * each result is stored there and its id lands in the results file). The server's engine
 * batches the concurrent requests the runner keeps in flight.
 */
import type { InferenceResult } from '@chipq/sdk';
import { CliError, exitCodes } from '../exit-codes.js';
import { codedError, serverClient } from '../server-client.js';
import type { BackendResult, FoundDefect, InspectBackend } from './inspect-backend.js';

export interface ServerBackendOptions {
  url: string;
  /** Default: the server's default model. */
  model?: string;
  version?: string;
  threshold?: number;
  /** Deadline of one image, in ms. */
  timeoutMs: number;
  /** Sent as `Authorization: Bearer`; needed once the server has an `infer` key. */
  apiKey?: string | undefined;
}

function toBackendResult(result: InferenceResult): BackendResult {
  if (result.verdict === null)
    throw Object.assign(new Error(result.error?.message ?? 'no verdict'), {
      code: result.error?.code ?? 'INFERENCE_FAILED',
    });
  return {
    id: result.id,
    model: { name: result.model.name ?? '', version: result.model.version ?? '' },
    image: { width: result.image.width ?? 0, height: result.image.height ?? 0 },
    verdict: result.verdict,
    detections: result.detections.map(
      (d): FoundDefect => ({
        className: d.defect_type,
        classId: d.class_id,
        confidence: d.confidence,
        severity: d.severity,
        box: d.box,
      }),
    ),
    // The API returns the counted detections only; the review band stays on the server.
    review: [],
    totalMs: result.timings?.service_ms ?? result.timings?.total_ms ?? 0,
  };
}

/** Checks the server is ready (and the model, when named) before any image is sent. */
export async function createServerBackend(options: ServerBackendOptions): Promise<InspectBackend> {
  const client = serverClient(options.url, options.timeoutMs, options.apiKey);
  try {
    if (options.model !== undefined) {
      const status = await client.models.status(options.model);
      if (!status.ready)
        throw new CliError(
          exitCodes.unavailable,
          `model ${options.model} is not ready on ${options.url}: ${status.reason || status.state}`,
        );
    } else {
      await client.models.list();
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    const coded = codedError(error, options.url);
    throw new CliError(exitCodes.unavailable, coded.message, { cause: error });
  }
  return {
    description: `server ${options.url}`,
    async inspect(input, signal) {
      try {
        const result = await client.predict(
          {
            image: new Blob([input.image as Uint8Array<ArrayBuffer>]),
            reference: input.reference,
            filename: input.imageName,
            model: options.model,
            version: options.version,
            confidenceThreshold: options.threshold,
            lotId: input.traceability.lot_id,
            waferId: input.traceability.wafer_id,
            dieX: input.traceability.die_x,
            dieY: input.traceability.die_y,
            stationId: input.traceability.station_id,
            tags: input.traceability.tags,
          },
          { signal },
        );
        return toBackendResult(result);
      } catch (error) {
        throw codedError(error, options.url);
      }
    },
    close: async () => {},
  };
}
