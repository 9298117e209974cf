/**
 * What the conformance cases share: how a case registers (with its skip reason), the fixture
 * requests with their known answers, and small helpers that read results through the engine
 * contract only. Test-support code, never exported from the package.
 */

import type { Engine } from '../../../src/engine/engine.js';
import { type ErrorCode, isChipqError } from '../../../src/errors.js';
import type { InferRequest, ModelStatistics, Tensor } from '../../../src/kserve/kserve-types.js';

/** What a case gets besides its engine. */
interface CaseTools {
  /**
   * Resolves once the engine holds `count` (default 1) requests for `model` waiting for an
   * instance: the event "my request has reached the engine and is queued", not a guess in ms.
   */
  untilQueued(model: string, count?: number): Promise<void>;
}

/** Registers one case; the body gets an engine of its own, with no model loaded. */
export interface ConformanceContext {
  test: (name: string, body: (engine: Engine, tools: CaseTools) => Promise<void>) => void;
}

/**
 * The default deadline engines under test get: behaviour, not speed, is checked, and a call on a
 * loaded 2-core CI machine can take far longer than a production deadline allows (at a load of
 * 30 the 30 s default ran out for two `slow` runs and a reload).
 */
export const conformanceTimeoutMs = 600_000;

/** Load and unload calls may start a model's instances: give them room. */
export const LOAD = { timeoutMs: conformanceTimeoutMs };

export const fp32 = (name: string, shape: number[], values: number[]): Tensor => ({
  name,
  datatype: 'FP32',
  shape,
  data: Float32Array.from(values),
});
const u8 = (name: string, shape: number[], values: number[]): Tensor => ({
  name,
  datatype: 'UINT8',
  shape,
  data: Uint8Array.from(values),
});
export const values = (tensor: Tensor | undefined): number[] =>
  Array.from((tensor?.data ?? []) as Float32Array);

/** A request for the `slow` model (hundreds of milliseconds per run, one instance, no dynamic batching). */
export const slowRequest = (): InferRequest => ({ model: 'slow', inputs: [fp32('x', [1, 1], [2])] });

/**
 * A uint8_pair request of `images` images of 1 x h x w whose per-image mean |image - reference| is
 * `seed + i` (exact in FP32 when h*w is a power of two). Version 1 answers that, version 2 twice it.
 */
export function pair(images: number, h: number, w: number, seed: number): InferRequest {
  const image: number[] = [];
  const reference: number[] = [];
  for (let i = 0; i < images; i++) {
    // Alternating +d/-d around 100 keeps |a-b| = d at every pixel.
    for (let p = 0; p < h * w; p++) {
      image.push(100 + (p % 2 === 0 ? 1 : -1) * (seed + i));
      reference.push(100);
    }
  }
  return {
    model: 'uint8_pair',
    inputs: [u8('image', [images, 1, h, w], image), u8('reference', [images, 1, h, w], reference)],
  };
}

/** How a call ended: its error code, 'resolved', or 'not a ChipqError'. */
export async function codeOf(
  promise: Promise<unknown>,
): Promise<ErrorCode | 'resolved' | 'not a ChipqError'> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return isChipqError(error) ? error.code : 'not a ChipqError';
  }
}

export async function stats(engine: Engine, model: string, version = '1'): Promise<ModelStatistics> {
  const [entry] = await engine.statistics(model, version);
  if (!entry) throw new Error(`no statistics for ${model} ${version}`);
  return entry;
}
