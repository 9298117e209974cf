/**
 * The image-quality gate's say in the verdict: an image that cannot be trusted (blank,
 * saturated, without contrast, or not matching its reference) goes to a person, whatever the
 * model made of it. Its detections stay in the result for that person to see.
 */
import type { Verdict } from '../postprocess/decide-verdict.js';
import type { ImageQuality } from '../preprocess/image-quality.js';

/** `verdict` unchanged when the images passed the gate; else REVIEW with rule `image-quality`. */
export function gateVerdict(verdict: Verdict, quality: ImageQuality | undefined): Verdict {
  if (quality === undefined || quality.problems.length === 0) return verdict;
  return {
    ...verdict,
    status: 'REVIEW',
    rule: 'image-quality',
    reason: `image quality: ${quality.problems.join('; ')} (the model said ${verdict.status}: ${verdict.reason})`,
  };
}
