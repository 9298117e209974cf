// The typed client: one method per endpoint of openapi/openapi.json, on openapi-fetch over the
// transport (deadlines, cancellation, retries for idempotent calls). Every method resolves with
// the response body or throws `ChipqApiError`; paths and types come from gen/openapi.ts.
import createClient from 'openapi-fetch';
import type { paths } from '../gen/openapi.js';
import { ChipqApiError } from './chipq-api-error.js';
import { type CallOptions, type ChipqClientOptions, resolveClientOptions } from './client-options.js';
import {
  type BatchInput,
  batchJson,
  type DeployInput,
  deployForm,
  isBase64Predict,
  type PredictInput,
  predictForm,
  predictJson,
} from './request-bodies.js';
import { createSender } from './transport.js';
import type {
  AnomalyReport,
  ApiKey,
  ApiKeyList,
  Batch,
  BatchAccepted,
  CancelResult,
  CreatedApiKey,
  CreateExperimentInput,
  CreateKeyInput,
  DefaultVersionChange,
  DeployResult,
  Experiment,
  ExperimentList,
  Health,
  InferenceList,
  InferenceResult,
  LotList,
  LotSummary,
  MetricsSummary,
  ModelDetail,
  ModelHealth,
  ModelList,
  ModelMetrics,
  ModelStatus,
  ModelVersions,
  Review,
  ReviewHistory,
  ReviewInput,
  ReviewQuality,
  ReviewQueue,
  StopExperimentInput,
  StoppedExperiment,
  WaferDetail,
} from './types.js';
import { type WaitForBatchOptions, waitForBatch } from './wait-for-batch.js';

type Query<P extends keyof paths, M extends 'get' | 'post'> = paths[P][M] extends {
  parameters: { query?: infer Q };
}
  ? NonNullable<Q>
  : never;

/** Query of GET /inference/{id} for batches: `limit`, `cursor`, `status` of the items page. */
export type GetResultQuery = Query<'/api/v1/inference/{id}', 'get'>;
/** Filters and page of GET /inference: lot_id, wafer_id, verdict, model, version, from, to, limit, cursor, ... */
export type ListResultsQuery = Query<'/api/v1/inference', 'get'>;
export type MetricsSummaryQuery = Query<'/api/v1/inference/metrics/summary', 'get'>;
export type HealthQuery = Query<'/api/v1/monitoring/health', 'get'>;
export type ModelWindowQuery = Query<'/api/v1/monitoring/models/{name}/health', 'get'>;
export type AnomaliesQuery = Query<'/api/v1/monitoring/models/{name}/anomalies', 'get'>;
/** Filters of GET /experiments: model, status. */
export type ListExperimentsQuery = Query<'/api/v1/experiments', 'get'>;
/** Filters and page of GET /reviews/queue: model, version, lot_id, verdict, sample_rate, include_reviewed, limit, cursor. */
export type ReviewQueueQuery = Query<'/api/v1/reviews/queue', 'get'>;
/** model, version, from, to, bucket (hour | day | week | all). */
export type ReviewQualityQuery = Query<'/api/v1/reviews/quality', 'get'>;
export type ResultImageQuery = Query<'/api/v1/inference/{id}/image', 'get'>;
/** Filters and page of GET /lots: station_id, model, from, to, limit, cursor. */
export type ListLotsQuery = Query<'/api/v1/lots', 'get'>;

/** Keeps FormData as it is: fetch then sets the multipart boundary itself. */
const asIs = (body: unknown) => body as FormData;

/** Creates a client. See `ChipqClientOptions` for the defaults (30 s deadline, 2 retries). */
export function createChipqClient(options: ChipqClientOptions) {
  const config = resolveClientOptions(options);
  const http = createClient<paths>({ baseUrl: config.baseUrl, headers: config.headers });
  const send = (idempotent: boolean, call: CallOptions = {}) => ({
    fetch: createSender(config, { idempotent, signal: call.signal, timeoutMs: call.timeoutMs }),
  });

  /** The one place a response becomes a value or a ChipqApiError. */
  async function unwrap<T>(pending: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
    const { data, error, response } = await pending;
    if (!response.ok || error !== undefined) throw ChipqApiError.from(response, error);
    return data as T;
  }

  const getResult = (id: string, query: GetResultQuery = {}, call?: CallOptions) =>
    unwrap<InferenceResult | Batch>(
      http.GET('/api/v1/inference/{id}', { params: { path: { id }, query }, ...send(true, call) }),
    );

  async function getBatch(id: string, options: CallOptions & GetResultQuery = {}): Promise<Batch> {
    const { signal, timeoutMs, ...query } = options;
    const found = await getResult(id, query, { signal, timeoutMs });
    if (found.kind !== 'batch') throw new TypeError(`${id} is a single result, not a batch`);
    return found;
  }

  return {
    /**
     * Inspects one image now. Bytes go as multipart (`predict`); a base64 `image` string goes as
     * JSON (`predictBase64`). Never retried (a retry could store the result twice).
     */
    predict(input: PredictInput, call?: CallOptions): Promise<InferenceResult> {
      return unwrap(
        isBase64Predict(input)
          ? http.POST('/api/v1/inference/predict/base64', { body: predictJson(input), ...send(false, call) })
          : http.POST('/api/v1/inference/predict', {
              body: predictForm(input) as never,
              bodySerializer: asIs,
              ...send(false, call),
            }),
      );
    },
    /** Queues many images (JSON, base64) and answers at once with the batch id. Never retried. */
    async batch(input: BatchInput, call?: CallOptions): Promise<BatchAccepted> {
      const body = await batchJson(input);
      return unwrap(http.POST('/api/v1/inference/batch', { body, ...send(false, call) }));
    },
    /** A stored result or a batch (with a page of its items), told apart by `kind`. */
    getResult,
    /** A batch with a page of its items; throws a TypeError when the id is a single result. */
    getBatch,
    /**
     * One page of stored results, newest first, filtered (all filters combine with AND). Pass
     * `page.next_cursor` back as `cursor`, with the same filters, for the next page.
     */
    listResults(query: ListResultsQuery = {}, call?: CallOptions): Promise<InferenceList> {
      return unwrap(http.GET('/api/v1/inference', { params: { query }, ...send(true, call) }));
    },
    /** Cancels a batch's unfinished items. Idempotent, so it is retried like a GET. */
    cancel(id: string, call?: CallOptions): Promise<CancelResult> {
      return unwrap(
        http.POST('/api/v1/inference/{id}/cancel', { params: { path: { id } }, ...send(true, call) }),
      );
    },
    /**
     * The image (or `which: 'reference'`) a result was inspected on, when the service keeps images
     * (IMAGE_STORE_DIR); otherwise a ChipqApiError 404 whose `details.reason` says why.
     */
    async resultImage(id: string, query: ResultImageQuery = {}, call?: CallOptions): Promise<Blob> {
      return unwrap(
        http.GET('/api/v1/inference/{id}/image', {
          params: { path: { id }, query },
          parseAs: 'blob',
          ...send(true, call),
        }),
      ) as Promise<Blob>;
    },
    /** Polls until the batch is final; see `WaitForBatchOptions`. */
    waitForBatch: (id: string, options?: WaitForBatchOptions): Promise<Batch> =>
      waitForBatch(getBatch, id, options),
    /** Counts, latency and verdicts over stored results. */
    metricsSummary(query: MetricsSummaryQuery = {}, call?: CallOptions): Promise<MetricsSummary> {
      return unwrap(
        http.GET('/api/v1/inference/metrics/summary', { params: { query }, ...send(true, call) }),
      );
    },
    models: {
      list(call?: CallOptions): Promise<ModelList> {
        return unwrap(http.GET('/api/v1/models', send(true, call)));
      },
      get(name: string, call?: CallOptions): Promise<ModelDetail> {
        return unwrap(http.GET('/api/v1/models/{name}', { params: { path: { name } }, ...send(true, call) }));
      },
      versions(name: string, call?: CallOptions): Promise<ModelVersions> {
        return unwrap(
          http.GET('/api/v1/models/{name}/versions', { params: { path: { name } }, ...send(true, call) }),
        );
      },
      status(name: string, call?: CallOptions): Promise<ModelStatus> {
        return unwrap(
          http.GET('/api/v1/models/{name}/status', { params: { path: { name } }, ...send(true, call) }),
        );
      },
      /** Writes a model version into the repository (and loads it unless `load: false`). Never retried. */
      deploy(input: DeployInput, call?: CallOptions): Promise<DeployResult> {
        return unwrap(
          http.POST('/api/v1/models/deploy', {
            body: deployForm(input) as never,
            bodySerializer: asIs,
            ...send(false, call),
          }),
        );
      },
      load(name: string, call?: CallOptions): Promise<ModelStatus> {
        return unwrap(
          http.POST('/api/v1/models/{name}/load', { params: { path: { name } }, ...send(false, call) }),
        );
      },
      unload(name: string, call?: CallOptions): Promise<ModelStatus> {
        return unwrap(
          http.POST('/api/v1/models/{name}/unload', { params: { path: { name } }, ...send(false, call) }),
        );
      },
      /**
       * Makes `version` the default on every replica (admin), once it passes the golden-set gate
       * (a 409 lists the failing cases); `force` goes past the gate, recorded. Never retried.
       */
      promote(
        name: string,
        version: string,
        reason: string,
        call?: CallOptions & { force?: boolean },
      ): Promise<DefaultVersionChange> {
        return unwrap(
          http.POST('/api/v1/models/{name}/promote', {
            params: { path: { name } },
            body: call?.force === undefined ? { version, reason } : { version, reason, force: call.force },
            ...send(false, call),
          }),
        );
      },
      /** Restores the default the latest promotion replaced (admin). Never retried: a repeat walks further back. */
      rollback(name: string, reason: string, call?: CallOptions): Promise<DefaultVersionChange> {
        return unwrap(
          http.POST('/api/v1/models/{name}/rollback', {
            params: { path: { name } },
            body: { reason },
            ...send(false, call),
          }),
        );
      },
    },
    /** Human review of stored results: judgements, the queue, and the precision and recall they give. */
    reviews: {
      /**
       * Reviews result `id` (needs a `review` or `admin` key): every detection judged, missed defects with
       * class and box, the verdict. A re-review becomes the next revision. Never retried: a repeat is a new revision.
       */
      submit(id: string, input: ReviewInput, call?: CallOptions): Promise<Review> {
        return unwrap(
          http.POST('/api/v1/inference/{id}/review', {
            params: { path: { id } },
            body: input,
            ...send(false, call),
          }),
        );
      },
      /** Every revision of a result's review, newest first. */
      history(id: string, call?: CallOptions): Promise<ReviewHistory> {
        return unwrap(
          http.GET('/api/v1/inference/{id}/reviews', { params: { path: { id } }, ...send(true, call) }),
        );
      },
      /** Results to review: REVIEW verdicts first, then a deterministic sample; page with `page.next_cursor`. */
      queue(query: ReviewQueueQuery = {}, call?: CallOptions): Promise<ReviewQueue> {
        return unwrap(http.GET('/api/v1/reviews/queue', { params: { query }, ...send(true, call) }));
      },
      /** Precision, recall and verdict agreement per model version over time, with Wilson intervals. */
      quality(query: ReviewQualityQuery = {}, call?: CallOptions): Promise<ReviewQuality> {
        return unwrap(http.GET('/api/v1/reviews/quality', { params: { query }, ...send(true, call) }));
      },
    },
    /** A/B experiments between versions of a model (create and stop need an admin key). */
    experiments: {
      /** Starts an experiment; it routes from the next request on every replica. Never retried. */
      create(input: CreateExperimentInput, call?: CallOptions): Promise<Experiment> {
        return unwrap(http.POST('/api/v1/experiments', { body: input, ...send(false, call) }));
      },
      /** The experiment with per-arm figures, comparisons and (shadow mode) agreement. */
      get(id: string, call?: CallOptions): Promise<Experiment> {
        return unwrap(
          http.GET('/api/v1/experiments/{id}', { params: { path: { id } }, ...send(true, call) }),
        );
      },
      list(query: ListExperimentsQuery = {}, call?: CallOptions): Promise<ExperimentList> {
        return unwrap(http.GET('/api/v1/experiments', { params: { query }, ...send(true, call) }));
      },
      /** Stops it; `promote` names an arm whose version becomes the default (through the gate). Never retried. */
      stop(id: string, input: StopExperimentInput, call?: CallOptions): Promise<StoppedExperiment> {
        return unwrap(
          http.POST('/api/v1/experiments/{id}/stop', {
            params: { path: { id } },
            body: input,
            ...send(false, call),
          }),
        );
      },
    },
    /** API keys (all need an admin key). */
    keys: {
      /** Every key, revoked ones too; never their secrets. */
      list(call?: CallOptions): Promise<ApiKeyList> {
        return unwrap(http.GET('/api/v1/keys', send(true, call)));
      },
      /** A new key; `key` in the answer is its secret, shown this once. Never retried. */
      create(input: CreateKeyInput, call?: CallOptions): Promise<CreatedApiKey> {
        return unwrap(http.POST('/api/v1/keys', { body: input, ...send(false, call) }));
      },
      /** Revokes a key; revoking twice is harmless, so it is retried like a GET. */
      revoke(id: string, call?: CallOptions): Promise<ApiKey> {
        return unwrap(
          http.POST('/api/v1/keys/{id}/revoke', { params: { path: { id } }, ...send(true, call) }),
        );
      },
    },
    /** Lots and wafers: summaries by die, wafer maps (SVG, SEMI G85) and KLARF 1.8. */
    lots: {
      /** One page of lots, most recently inspected first; `page.next_cursor` for the next. */
      list(query: ListLotsQuery = {}, call?: CallOptions): Promise<LotList> {
        return unwrap(http.GET('/api/v1/lots', { params: { query }, ...send(true, call) }));
      },
      get(lotId: string, call?: CallOptions): Promise<LotSummary> {
        return unwrap(
          http.GET('/api/v1/lots/{lot_id}', { params: { path: { lot_id: lotId } }, ...send(true, call) }),
        );
      },
      wafer(lotId: string, waferId: string, call?: CallOptions): Promise<WaferDetail> {
        return unwrap(
          http.GET('/api/v1/lots/{lot_id}/wafers/{wafer_id}', {
            params: { path: { lot_id: lotId, wafer_id: waferId } },
            ...send(true, call),
          }),
        );
      },
      /** The wafer map as an SVG document (text). */
      waferMapSvg(lotId: string, waferId: string, call?: CallOptions): Promise<string> {
        return unwrap(
          http.GET('/api/v1/lots/{lot_id}/wafers/{wafer_id}/wafer-map.svg', {
            params: { path: { lot_id: lotId, wafer_id: waferId } },
            parseAs: 'text',
            ...send(true, call),
          }),
        );
      },
      /** The wafer map as SEMI G85 XML (text). */
      waferMapG85(lotId: string, waferId: string, call?: CallOptions): Promise<string> {
        return unwrap(
          http.GET('/api/v1/lots/{lot_id}/wafers/{wafer_id}/wafer-map.g85', {
            params: { path: { lot_id: lotId, wafer_id: waferId } },
            parseAs: 'text',
            ...send(true, call),
          }),
        );
      },
      /** The wafer's defects as a KLARF 1.8 file (text). */
      klarf(lotId: string, waferId: string, call?: CallOptions): Promise<string> {
        return unwrap(
          http.GET('/api/v1/lots/{lot_id}/wafers/{wafer_id}/klarf', {
            params: { path: { lot_id: lotId, wafer_id: waferId } },
            parseAs: 'text',
            ...send(true, call),
          }),
        );
      },
    },
    monitoring: {
      /** Liveness/readiness of the service. A 503 (not ready) throws; its body is `error.problem`. */
      health(query: HealthQuery = {}, call?: CallOptions): Promise<Health> {
        return unwrap(http.GET('/api/v1/monitoring/health', { params: { query }, ...send(true, call) }));
      },
      modelHealth(name: string, query: ModelWindowQuery = {}, call?: CallOptions): Promise<ModelHealth> {
        return unwrap(
          http.GET('/api/v1/monitoring/models/{name}/health', {
            params: { path: { name }, query },
            ...send(true, call),
          }),
        );
      },
      modelMetrics(name: string, query: ModelWindowQuery = {}, call?: CallOptions): Promise<ModelMetrics> {
        return unwrap(
          http.GET('/api/v1/monitoring/models/{name}/metrics', {
            params: { path: { name }, query },
            ...send(true, call),
          }),
        );
      },
      anomalies(name: string, query: AnomaliesQuery = {}, call?: CallOptions): Promise<AnomalyReport> {
        return unwrap(
          http.GET('/api/v1/monitoring/models/{name}/anomalies', {
            params: { path: { name }, query },
            ...send(true, call),
          }),
        );
      },
    },
  };
}

/** The client returned by `createChipqClient`. */
export type ChipqClient = ReturnType<typeof createChipqClient>;
