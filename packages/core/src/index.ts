/**
 * @chipq/core — turn an image (and its defect-free reference) into defect detections and a
 * verdict, on the embedded ONNX Runtime engine or on Triton. This is the package's one front
 * door: every public name is listed here (CONVENTIONS.md §1).
 */

export type { CallOptions, Engine, InferResult, LoadModelOptions } from './engine/engine.js';
export { createOnnxEngine } from './engine/onnx/onnx-engine.js';
export type { OnnxEngineOptions } from './engine/onnx/onnx-engine-options.js';
export { createTritonEngine } from './engine/triton/triton-engine.js';
export type { TritonEngineOptions } from './engine/triton/triton-engine-options.js';
export type { ChipqErrorOptions, ErrorCode } from './errors.js';
export { ChipqError, errorCodes, isChipqError } from './errors.js';
export type { DeepPcbAnnotation, DeepPcbPair, ReadDeepPcbOptions } from './evaluation/deeppcb-dataset.js';
// evaluation (detection metrics and the DeepPCB layout)
export {
  deepPcbClassNames,
  parseDeepPcbAnnotations,
  readDeepPcbDataset,
} from './evaluation/deeppcb-dataset.js';
export type {
  EvaluationBox,
  GroundTruth,
  MatchedDetection,
  MatchOptions,
  ScoredDetection,
} from './evaluation/match-detections.js';
export { matchDetections } from './evaluation/match-detections.js';
export type {
  ClassAveragePrecision,
  DetectionEvaluation,
  EvaluateDetectionsOptions,
  PrecisionRecall,
} from './evaluation/mean-average-precision.js';
export { averagePrecision, evaluateDetections } from './evaluation/mean-average-precision.js';
export type { Inspector, InspectRequest } from './inspector/create-inspector.js';
// inspector: the one-call API
export { createInspector } from './inspector/create-inspector.js';
export type {
  InspectedDefect,
  InspectionResult,
  InspectionTimings,
  InspectionVerdict,
} from './inspector/inspection-result.js';
export type { InspectorOptions } from './inspector/inspector-options.js';
export type { ImageInput } from './inspector/read-image-input.js';
export type {
  InferRequest,
  ModelIndexEntry,
  ModelMetadata,
  ModelState,
  ModelStatistics,
  StatisticDuration,
  Tensor,
  TensorData,
  TensorMetadata,
} from './kserve/kserve-types.js';
export type {
  DataType,
  DynamicBatchingConfig,
  InstanceGroupConfig,
  InstanceKind,
  ModelConfig,
  ModelWarmupConfig,
  ModelWarmupInput,
  TensorConfig,
  TensorFormat,
  TextEnum,
  TextMessage,
  TextValue,
  VersionPolicy,
} from './model-repository/model-config.js';
// model repository
export { formatModelConfig } from './model-repository/model-config-formatter.js';
export type { JsonValue, ModelConfigJson } from './model-repository/model-config-json.js';
export { modelConfigToJson } from './model-repository/model-config-json.js';
export type { ParseModelConfigOptions } from './model-repository/model-config-parser.js';
export { parseModelConfig } from './model-repository/model-config-parser.js';
export type {
  ModelRepositoryEntry,
  ModelVersionEntry,
  ReadModelRepositoryOptions,
} from './model-repository/model-repository-reader.js';
export { readModelEntry, readModelRepository } from './model-repository/model-repository-reader.js';
export { selectVersions } from './model-repository/select-versions.js';
export type { CountedDefect, Verdict, VerdictRuleId, VerdictStatus } from './postprocess/decide-verdict.js';
// postprocessing
export { decideVerdict, verdictRuleIds } from './postprocess/decide-verdict.js';
export type { DecodeContext, Decoder } from './postprocess/decoder.js';
export { builtInDecoders, resolveDecoder } from './postprocess/decoder-registry.js';
export type { Candidate, Detection } from './postprocess/detection.js';
export { iou, nonMaxSuppression } from './postprocess/nms.js';
export type { PostprocessOptions, ResolvedPostprocessOptions } from './postprocess/postprocess.js';
export { className, postprocess, resolvePostprocessOptions } from './postprocess/postprocess.js';
export type {
  ClassRule,
  ResolvedClassRule,
  ResolvedVerdictRules,
  Severity,
  VerdictRules,
} from './postprocess/verdict-rules.js';
export {
  candidateFloor,
  classRule,
  resolveVerdictRules,
  severities,
  severityWeights,
} from './postprocess/verdict-rules.js';
export type { DecodedImage, ImageFormat } from './preprocess/decode-image.js';
// preprocessing
export { decodeImage, supportedImageFormats } from './preprocess/decode-image.js';
export type { Box, ImageTransform, Size } from './preprocess/image-transform.js';
export { computeTransform, mapBoxToOriginal, mapBoxToTensor } from './preprocess/image-transform.js';
export type { ImageDataType, ImageInputPlan, ImageLayout, InputsPlan } from './preprocess/input-plan.js';
export { planInputs } from './preprocess/input-plan.js';
export type {
  PreprocessOptions,
  ResizeKernel,
  ResizeMode,
  ResolvedPreprocessOptions,
} from './preprocess/preprocess-options.js';
export {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_PIXELS,
  resolvePreprocessOptions,
} from './preprocess/preprocess-options.js';
export type { PreprocessPairRequest, PreprocessPairResult } from './preprocess/preprocess-pair.js';
export { preprocessPair } from './preprocess/preprocess-pair.js';
export type { TensorWithTransform } from './preprocess/to-tensor.js';
export { toTensor } from './preprocess/to-tensor.js';
export type { TritonChannelOptions } from './triton-client/channel/channel-options.js';
export type { CircuitBreakerOptions, CircuitState } from './triton-client/channel/circuit-breaker.js';
export type { RetryOptions } from './triton-client/channel/retry-policy.js';
// the typed Triton (KServe v2 gRPC) client under the Triton engine
export { createTritonClient } from './triton-client/create-triton-client.js';
export type {
  TritonCallOptions,
  TritonClient,
  TritonClientOptions,
  TritonInferOptions,
  TritonInferResponse,
  TritonLoadOptions,
  TritonServerMetadata,
  TritonSharedMemoryRegion,
} from './triton-client/triton-client.js';
