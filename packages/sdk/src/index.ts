// @chipq/sdk: the typed client of the chipq inference service (CONVENTIONS.md §1). Web APIs
// only (fetch, FormData, Blob, AbortSignal), so it runs in Node, Bun, Deno and browsers; file
// paths are read by the `@chipq/sdk/node` subpath.
export type { components, paths } from '../gen/openapi.js';
export { ChipqApiError } from './chipq-api-error.js';
export type {
  AnomaliesQuery,
  ChipqClient,
  GetResultQuery,
  HealthQuery,
  ListLotsQuery,
  ListResultsQuery,
  MetricsSummaryQuery,
  ModelWindowQuery,
  ResultImageQuery,
  ReviewQualityQuery,
  ReviewQueueQuery,
} from './chipq-client.js';
export { createChipqClient } from './chipq-client.js';
export type { CallOptions, ChipqClientOptions, FetchLike } from './client-options.js';
export type { BinaryInput } from './image-input.js';
export type {
  BatchInput,
  BatchItemInput,
  DeployInput,
  ModelChoice,
  PredictInput,
  TraceabilityInput,
} from './request-bodies.js';
export type {
  AnomalyDetectedEventData,
  AnomalyReport,
  ApiKey,
  ApiKeyList,
  Batch,
  BatchAccepted,
  BatchCompletedEventData,
  BatchItem,
  BatchProgress,
  BatchStatus,
  CancelResult,
  ChipqEvent,
  CloudEvent,
  CreatedApiKey,
  CreateKeyInput,
  DefaultVersionChange,
  DeployResult,
  Detection,
  Estimate,
  FieldError,
  Health,
  InferenceList,
  InferenceResult,
  InspectionCompletedEventData,
  LotList,
  LotListItem,
  LotSummary,
  MetricsSummary,
  ModelDeployedEventData,
  ModelDetail,
  ModelHealth,
  ModelList,
  ModelMetrics,
  ModelPromotedEventData,
  ModelStatus,
  ModelSummary,
  ModelVersions,
  Problem,
  ProblemCode,
  Review,
  ReviewHistory,
  ReviewInput,
  ReviewQuality,
  ReviewQueue,
  Scope,
  Traceability,
  Verdict,
  VerdictMix,
  WaferDetail,
  WaferSummary,
} from './types.js';
export type { WaitForBatchOptions } from './wait-for-batch.js';
export { finalBatchStatuses } from './wait-for-batch.js';
