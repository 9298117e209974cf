/**
 * @chipq/core/postprocess — the last steps of an inspection on their own: decode a model's output
 * tensors into detections (built-in decoders or your own), class-wise NMS, and the verdict rules
 * that turn detections into PASS, FAIL or REVIEW.
 */
export type { CountedDefect, Verdict, VerdictRuleId, VerdictStatus } from './decide-verdict.js';
export { decideVerdict, verdictRuleIds } from './decide-verdict.js';
export type { DecodeContext, Decoder } from './decoder.js';
export { builtInDecoders, resolveDecoder } from './decoder-registry.js';
export type { Candidate, Detection } from './detection.js';
export { iou, nonMaxSuppression } from './nms.js';
export type { PostprocessOptions, ResolvedPostprocessOptions } from './postprocess.js';
export { className, postprocess, resolvePostprocessOptions } from './postprocess.js';
export type {
  ClassRule,
  ResolvedClassRule,
  ResolvedVerdictRules,
  Severity,
  VerdictRules,
} from './verdict-rules.js';
export {
  candidateFloor,
  classRule,
  resolveVerdictRules,
  severities,
  severityWeights,
} from './verdict-rules.js';
