/**
 * @chipq/core — turn an image (and its defect-free reference) into defect detections and a
 * verdict, on the embedded ONNX Runtime engine or on Triton. This is the package's front door:
 * the inspector, the engines and their contract, and the errors (CONVENTIONS.md §1). The
 * building blocks are deliberate subpaths, one per area:
 *
 * - `@chipq/core/preprocess`: decoding with limits, letterbox, tensors, the image-pair step;
 * - `@chipq/core/postprocess`: decoders, NMS, verdict rules;
 * - `@chipq/core/model-repository`: config.pbtxt parsing and writing, the repository reader;
 * - `@chipq/core/triton-client`: the typed KServe v2 gRPC client under the Triton engine;
 * - `@chipq/core/evaluation`: mAP, precision/recall/F1 and the DeepPCB reader.
 */

export type {
  CallOptions,
  Engine,
  EngineKind,
  InferResult,
  InferTiming,
  LoadModelOptions,
} from './engine/engine.js';
export { createOnnxEngine } from './engine/onnx/onnx-engine.js';
export type { OnnxEngineOptions } from './engine/onnx/onnx-engine-options.js';
export { createTritonEngine } from './engine/triton/triton-engine.js';
export type { TritonEngineOptions } from './engine/triton/triton-engine-options.js';
export type { ChipqErrorOptions, ErrorCode } from './errors.js';
export { ChipqError, errorCodes, isChipqError } from './errors.js';
export type { Inspector, InspectRequest } from './inspector/create-inspector.js';
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
export { zeroTensorData } from './kserve/tensor-data.js';
export type { DataType, ModelConfig, TensorConfig } from './model-repository/model-config.js';
export type { ImageQuality, ImageQualityOptions } from './preprocess/image-quality.js';
