// Short names for the generated schema types (gen/openapi.ts), so users never spell
// components['schemas'][...] and the public signatures stay readable.
import type { components } from '../gen/openapi.js';

type Schemas = components['schemas'];

export type Problem = Schemas['Problem'];
export type ProblemCode = Problem['code'];
export type FieldError = Schemas['FieldError'];
export type InferenceResult = Schemas['InferenceResult'];
export type InferenceList = Schemas['InferenceList'];
export type Detection = Schemas['Detection'];
export type Verdict = Schemas['Verdict'];
export type Traceability = Schemas['Traceability'];
export type BatchAccepted = Schemas['BatchAccepted'];
export type Batch = Schemas['Batch'];
export type BatchItem = Schemas['BatchItem'];
export type BatchProgress = Schemas['BatchProgress'];
export type BatchStatus = Batch['status'];
export type CancelResult = Schemas['CancelResult'];
export type MetricsSummary = Schemas['MetricsSummary'];
export type ModelList = Schemas['ModelList'];
export type ModelSummary = Schemas['ModelSummary'];
export type ModelDetail = Schemas['ModelDetail'];
export type ModelVersions = Schemas['ModelVersions'];
export type ModelStatus = Schemas['ModelStatus'];
export type DefaultVersionChange = Schemas['DefaultVersionChange'];
export type DeployResult = Schemas['DeployResult'];
export type Health = Schemas['Health'];
export type ModelHealth = Schemas['ModelHealth'];
export type ModelMetrics = Schemas['ModelMetrics'];
export type AnomalyReport = Schemas['AnomalyReport'];
export type Scope = Schemas['Scope'];
export type ApiKey = Schemas['ApiKey'];
export type CreatedApiKey = Schemas['CreatedApiKey'];
export type ApiKeyList = Schemas['ApiKeyList'];
export type CreateKeyInput = Schemas['CreateKey'];
export type Experiment = Schemas['Experiment'];
export type ExperimentSummary = Schemas['ExperimentSummary'];
export type ExperimentList = Schemas['ExperimentList'];
export type CreateExperimentInput = Schemas['CreateExperimentRequest'];
export type StopExperimentInput = Schemas['StopExperimentRequest'];
export type StoppedExperiment = Schemas['StoppedExperiment'];

export type Review = Schemas['Review'];
export type ReviewInput = Schemas['ReviewInput'];
export type ReviewHistory = Schemas['ReviewHistory'];
export type ReviewQueue = Schemas['ReviewQueue'];
export type ReviewQuality = Schemas['ReviewQuality'];
export type Estimate = Schemas['Estimate'];
export type LotList = Schemas['LotList'];
export type LotListItem = Schemas['LotListItem'];
export type LotSummary = Schemas['LotSummary'];
export type WaferSummary = Schemas['WaferSummary'];
export type WaferDetail = Schemas['WaferDetail'];
export type VerdictMix = Schemas['VerdictMix'];

// Events published to NATS JetStream (subject = type) as CloudEvents 1.0 JSON; the schemas live
// in the OpenAPI document's components, so these follow what the service writes.
export type CloudEvent = Schemas['CloudEvent'];
export type InspectionCompletedEventData = Schemas['InspectionCompletedEventData'];
export type BatchCompletedEventData = Schemas['BatchCompletedEventData'];
export type ModelDeployedEventData = Schemas['ModelDeployedEventData'];
export type ModelPromotedEventData = Schemas['ModelPromotedEventData'];
export type AnomalyDetectedEventData = Schemas['AnomalyDetectedEventData'];

type Envelope<T extends CloudEvent['type'], D> = Omit<CloudEvent, 'type' | 'data'> & { type: T; data: D };

/**
 * A chipq event as a subscriber receives it (`JSON.parse` of the message body): narrow on
 * `type` to get its `data`. Deduplicate on `id`: delivery is at least once.
 */
export type ChipqEvent =
  | Envelope<'chipq.inspection.completed', InspectionCompletedEventData>
  | Envelope<'chipq.batch.completed', BatchCompletedEventData>
  | Envelope<'chipq.model.deployed', ModelDeployedEventData>
  | Envelope<'chipq.model.promoted', ModelPromotedEventData>
  | Envelope<'chipq.anomaly.detected', AnomalyDetectedEventData>;
