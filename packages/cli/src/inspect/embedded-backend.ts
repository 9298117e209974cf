/**
 * `--embedded`: inspections run in this process on core's inspector and the embedded ONNX
 * Runtime engine, which batches the concurrent requests the runner keeps in flight.
 */
import { createInspector, type Inspector, isChipqError } from '@chipq/core';
import { CliError, exitCodes, usageError } from '../exit-codes.js';
import type { BackendResult, InspectBackend } from './inspect-backend.js';

export interface EmbeddedBackendOptions {
  /** Model repository folder (absolute). */
  models: string;
  /** Default: the only model in the repository that loads. */
  model?: string;
  version?: string;
  threshold?: number;
  /** Deadline of one image, in ms. */
  timeoutMs: number;
}

/** Starts the engine and loads the model (or every model when none is named). */
export async function createEmbeddedBackend(options: EmbeddedBackendOptions): Promise<InspectBackend> {
  let inspector: Inspector;
  try {
    inspector = await createInspector({
      models: options.models,
      loadModels: options.model === undefined ? '*' : [options.model],
      defaultModel: options.model,
      confidenceThreshold: options.threshold,
      defaultTimeoutMs: options.timeoutMs,
    });
  } catch (cause) {
    const detail = isChipqError(cause) ? `${cause.code}: ${cause.message}` : String(cause);
    throw new CliError(
      exitCodes.unavailable,
      `cannot start the embedded engine on ${options.models}: ${detail}`,
      { cause },
    );
  }
  const model = options.model ?? (await onlyModel(inspector));
  return {
    description: `embedded engine, models ${options.models}`,
    async inspect(input, signal): Promise<BackendResult> {
      const result = await inspector.inspect({
        image: input.image,
        reference: input.reference,
        model,
        version: options.version,
        signal,
      });
      return {
        model: result.model,
        image: { width: result.image.width, height: result.image.height },
        verdict: result.verdict,
        detections: result.detections.map((d) => ({
          className: d.className,
          classId: d.classId,
          confidence: d.confidence,
          severity: d.severity,
          box: d.box,
        })),
        review: result.review.map((d) => ({
          className: d.className,
          classId: d.classId,
          confidence: d.confidence,
          box: d.box,
        })),
        totalMs: result.timings.totalMs,
      };
    },
    close: () => inspector.close(),
  };
}

/** With no --model, the repository must hold exactly one model that loads. */
async function onlyModel(inspector: Inspector): Promise<string> {
  const index = await inspector.engine.repositoryIndex();
  const ready = [...new Set(index.filter((entry) => entry.state === 'READY').map((entry) => entry.name))];
  if (ready.length === 1 && ready[0] !== undefined) return ready[0];
  await inspector.close();
  if (ready.length === 0)
    throw new CliError(exitCodes.unavailable, `no model in ${inspector.repository} could be loaded`);
  throw usageError(
    `${inspector.repository} holds several models (${ready.sort().join(', ')}): name one with --model`,
  );
}
