/**
 * Kysely's view of our tables (the migrations in `migrations/` are the source of truth; these
 * types follow them by hand and the integration tests run every query against the real schema).
 */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** Inference and batch status, as in the platform's database. */
export type JobStatus = 'queued' | 'processing' | 'completed' | 'failed' | 'cancelled' | 'timeout';
type Severity = 'low' | 'medium' | 'high' | 'critical';
export type VerdictStatus = 'PASS' | 'FAIL' | 'REVIEW';
type DetectionMethod = 'ml_automated' | 'manual_review' | 'hybrid' | 'rule_based';
export type DeploymentEvent =
  | 'deployed'
  | 'deploy_failed'
  | 'loaded'
  | 'load_failed'
  | 'unloaded'
  | 'unload_failed';

/** Written as a Date or ISO string (or left to the column default), read as a Date. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json = ColumnType<Record<string, string>, string | undefined, string>;

interface BatchesTable {
  id: string;
  status: JobStatus;
  model_name: string | null;
  model_version: string | null;
  confidence_threshold: number | null;
  item_count: number;
  request_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  finished_at: NullableTimestamp;
  cancel_requested_at: NullableTimestamp;
  /** Finished items by outcome, kept by the worker and cancel (progress without a recount). */
  completed_count: Generated<number>;
  failed_count: Generated<number>;
  cancelled_count: Generated<number>;
  /** The API key that asked for it (its id, never the secret); null when access was open. */
  api_key_id: ColumnType<string | null, string | null | undefined, string | null>;
}

interface InferencesTable {
  id: string;
  batch_id: string | null;
  batch_item_id: string | null;
  request_id: string | null;
  traceparent: string | null;
  status: JobStatus;
  model_name: string | null;
  model_version: string | null;
  lot_id: string | null;
  wafer_id: string | null;
  die_x: number | null;
  die_y: number | null;
  station_id: string | null;
  tags: Json;
  image_sha256: string;
  image_bytes: number;
  reference_sha256: string | null;
  image_width: number | null;
  image_height: number | null;
  image_format: string | null;
  verdict_status: VerdictStatus | null;
  verdict_rule: string | null;
  verdict_reason: string | null;
  verdict_score: number | null;
  detection_count: Generated<number>;
  decode_ms: number | null;
  preprocess_ms: number | null;
  queue_ms: number | null;
  infer_ms: number | null;
  postprocess_ms: number | null;
  total_ms: number | null;
  service_ms: number | null;
  error_code: string | null;
  error_message: string | null;
  created_at: Timestamp;
  /** The API key that asked for it (its id, never the secret); null when access was open. */
  api_key_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The experiment and arm that served it; null outside any experiment. */
  experiment_id: ColumnType<string | null, string | null | undefined, string | null>;
  experiment_arm: ColumnType<string | null, string | null | undefined, string | null>;
}

interface DetectionsTable {
  id: ColumnType<string, never, never>;
  inference_id: string;
  ordinal: number;
  class_id: number;
  defect_type: string;
  severity: Severity;
  confidence: number;
  x: number;
  y: number;
  width: number;
  height: number;
  detection_method: ColumnType<DetectionMethod, DetectionMethod | undefined, DetectionMethod>;
  review_status: string | null;
  created_at: Timestamp;
}

interface BatchItemsTable {
  id: string;
  batch_id: string;
  position: number;
  status: JobStatus;
  filename: string | null;
  image_sha256: string;
  image_bytes: number;
  reference_sha256: string | null;
  lot_id: string | null;
  wafer_id: string | null;
  die_x: number | null;
  die_y: number | null;
  station_id: string | null;
  tags: Json;
  attempts: Generated<number>;
  lease_owner: string | null;
  lease_expires_at: NullableTimestamp;
  /** Not claimed before this time (an item waiting for its model or engine); null: at once. */
  available_at: NullableTimestamp;
  inference_id: string | null;
  error_code: string | null;
  error_message: string | null;
  created_at: Timestamp;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
}

interface ModelDeploymentsTable {
  id: string;
  model_name: string;
  model_version: string | null;
  event: DeploymentEvent;
  detail: ColumnType<Record<string, unknown>, string | undefined, string>;
  error_code: string | null;
  error_message: string | null;
  request_id: string | null;
  created_at: Timestamp;
  /** The API key that asked for it (its id, never the secret); null when access was open. */
  api_key_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export type Scope = 'read' | 'infer' | 'review' | 'admin';

interface ApiKeysTable {
  id: string;
  name: string;
  scopes: Scope[];
  secret_sha256: string;
  created_by: string | null;
  created_at: Timestamp;
  revoked_at: NullableTimestamp;
}

interface ModelDefaultVersionsTable {
  model_name: string;
  version: string;
  updated_at: Timestamp;
}

export type DefaultVersionAction = 'seeded' | 'promoted' | 'rolled_back';

interface ModelDefaultChangesTable {
  id: string;
  model_name: string;
  action: DefaultVersionAction;
  from_version: string | null;
  to_version: string;
  reason: string;
  api_key_id: string | null;
  request_id: string | null;
  created_at: Timestamp;
  /** Promoted past a failing (or unavailable) golden-set gate by an admin. */
  forced: ColumnType<boolean, boolean | undefined, boolean>;
  /** The golden-set gate's report; null when the model has no golden set or for seeds and rollbacks. */
  gate: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
}

interface EventOutboxTable {
  /** bigserial: read as a string (int8), ordered by the database. */
  seq: ColumnType<string, never, never>;
  id: string;
  type: string;
  subject: string | null;
  partition_key: string | null;
  data: ColumnType<unknown, string, string>;
  created_at: Timestamp;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
}

interface EventRelayLeaseTable {
  name: string;
  owner: string;
  expires_at: Timestamp;
}

type ExperimentMode = 'split' | 'shadow';
type ExperimentUnit = 'lot_id' | 'wafer_id' | 'request';
type ExperimentStatus = 'running' | 'stopped';
type ExperimentArmRole = 'control' | 'treatment' | 'shadow';

interface ExperimentsTable {
  id: string;
  name: string;
  description: string | null;
  model_name: string;
  mode: ExperimentMode;
  unit: ExperimentUnit;
  status: ExperimentStatus;
  match_iou: ColumnType<number, number | undefined, number>;
  api_key_id: string | null;
  request_id: string | null;
  created_at: Timestamp;
  stopped_at: NullableTimestamp;
  stop_reason: string | null;
  stopped_by_key_id: string | null;
  promoted_arm: string | null;
}

interface ExperimentArmsTable {
  experiment_id: string;
  name: string;
  position: number;
  version: string;
  weight: number;
  role: ExperimentArmRole;
}

/** A detection as stored in a shadow result's `detections` (image pixels). */
interface StoredDetection {
  class_id: number;
  defect_type: string;
  severity: Severity;
  confidence: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export type ReviewOutcome = 'true_defect' | 'false_alarm' | 'missed';

interface InferenceReviewsTable {
  id: string;
  inference_id: string;
  /** 1 for the first review of a result, one more for each re-review. */
  revision: number;
  /** The operator's verdict (the model's stays on the inference). */
  verdict: 'PASS' | 'FAIL';
  true_defects: number;
  false_alarms: number;
  missed: number;
  reviewer: string | null;
  comment: string | null;
  api_key_id: string | null;
  request_id: string | null;
  created_at: Timestamp;
  /** When a re-review replaced this one; null for the current review. */
  superseded_at: NullableTimestamp;
}

interface ReviewDefectsTable {
  review_id: string;
  position: number;
  outcome: ReviewOutcome;
  /** The judged detection's ordinal; null for a missed defect. */
  detection_ordinal: number | null;
  defect_type: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

interface ExperimentShadowResultsTable {
  id: string;
  experiment_id: string;
  experiment_arm: string;
  inference_id: string;
  model_name: string;
  model_version: string;
  status: 'completed' | 'failed';
  verdict_status: VerdictStatus | null;
  verdict_rule: string | null;
  verdict_reason: string | null;
  detection_count: ColumnType<number, number | undefined, number>;
  detections: ColumnType<StoredDetection[], string | undefined, string>;
  total_ms: number | null;
  error_code: string | null;
  error_message: string | null;
  created_at: Timestamp;
}

export interface Database {
  experiments: ExperimentsTable;
  experiment_arms: ExperimentArmsTable;
  experiment_shadow_results: ExperimentShadowResultsTable;
  event_outbox: EventOutboxTable;
  event_relay_lease: EventRelayLeaseTable;
  api_keys: ApiKeysTable;
  model_default_versions: ModelDefaultVersionsTable;
  model_default_changes: ModelDefaultChangesTable;
  batches: BatchesTable;
  inferences: InferencesTable;
  detections: DetectionsTable;
  batch_items: BatchItemsTable;
  model_deployments: ModelDeploymentsTable;
  inference_reviews: InferenceReviewsTable;
  review_defects: ReviewDefectsTable;
}

export type Inference = Selectable<InferencesTable>;
export type NewInference = Insertable<InferencesTable>;
export type Detection = Selectable<DetectionsTable>;
export type NewDetection = Insertable<DetectionsTable>;
export type Batch = Selectable<BatchesTable>;
export type NewBatch = Insertable<BatchesTable>;
export type BatchItem = Selectable<BatchItemsTable>;
export type NewBatchItem = Insertable<BatchItemsTable>;
export type ModelDeployment = Selectable<ModelDeploymentsTable>;
export type ApiKey = Selectable<ApiKeysTable>;
export type ModelDefaultChange = Selectable<ModelDefaultChangesTable>;
export type InferenceReview = Selectable<InferenceReviewsTable>;
export type ReviewDefect = Selectable<ReviewDefectsTable>;
export type OutboxRow = Selectable<EventOutboxTable>;
