/**
 * /inference: predict one image, read a result or a batch by id, cancel a batch.
 */
import { ChipqError } from '@chipq/core';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../http/app-env.js';
import { predictBodyLimit } from '../http/body-limits.js';
import type { CandidateGuard } from '../http/candidate-guard.js';
import { predictInputFromForm, predictInputFromJson } from '../http/read-predict-input.js';
import { validationHook } from '../http/validation-hook.js';
import { currentTraceparent } from '../observability/tracing.js';
import { BatchSchema, CancelResultSchema, JobQuerySchema } from '../schemas/batch-schemas.js';
import { IdParamsSchema } from '../schemas/common-schemas.js';
import { InferenceResultSchema } from '../schemas/inference-schemas.js';
import { PredictFormSchema, PredictJsonSchema } from '../schemas/predict-schemas.js';
import { problemResponses } from '../schemas/problem-schema.js';
import type { BatchService } from '../services/batch-service.js';
import type { JobService } from '../services/job-service.js';
import type { PredictInput, PredictService } from '../services/predict-service.js';
import { otherMediaType } from './other-media-type.js';
import { secured } from './secured.js';

export interface InferenceRoutesDeps {
  predict: PredictService;
  /** Refuses a named candidate version to callers that may not use one. */
  guard: CandidateGuard;
  batches: BatchService;
  jobs: JobService;
  imageMaxBytes: number;
}

/**
 * Predict is two operations, one media type each: generators of other languages cannot take one
 * operation with two request bodies (openapi-python-client 0.29 writes a module that fails to
 * import), and a client always knows which form it sends.
 */
const predictDescription =
  'A failed inspection is stored too (status failed, with its error code) and answered as problem+json whose ' +
  '`details.inference_id` names the stored record. ' +
  "Without `version` the model's default serves (or, during an experiment, the arm the lot, wafer or request is assigned to). " +
  'Naming a version other than the default (a candidate) needs an admin key once keys exist: 403 otherwise.';

const predictResponses = {
  200: {
    description: 'The stored result. `Content-Location` is its URL.',
    content: { 'application/json': { schema: InferenceResultSchema } },
  },
  ...problemResponses(400, 404, 413, 415, 422, 429, 500, 503, 504),
};

const predictRoute = createRoute(
  secured('infer', {
    method: 'post',
    path: '/inference/predict',
    operationId: 'predict',
    tags: ['inference'],
    summary: 'Inspect one image',
    description:
      'Inspects one image (and its defect-free reference when the model takes one), sent as `multipart/form-data` files, ' +
      'stores the result and returns it. The same as base64 JSON: `POST /inference/predict/base64`. ' +
      predictDescription,
    request: {
      body: { required: true, content: { 'multipart/form-data': { schema: PredictFormSchema } } },
    },
    responses: predictResponses,
  }),
);

const predictBase64Route = createRoute(
  secured('infer', {
    method: 'post',
    path: '/inference/predict/base64',
    operationId: 'predictBase64',
    tags: ['inference'],
    summary: 'Inspect one image sent as base64 JSON',
    description:
      'The same inspection as `POST /inference/predict`, with the images as base64 strings in `application/json`. ' +
      predictDescription,
    request: {
      body: { required: true, content: { 'application/json': { schema: PredictJsonSchema } } },
    },
    responses: predictResponses,
  }),
);

const getRoute = createRoute(
  secured('read', {
    method: 'get',
    path: '/inference/{id}',
    operationId: 'getResult',
    tags: ['inference'],
    summary: 'Read a result or a batch',
    description:
      'A stored single result (`kind: result`) or a batch (`kind: batch`) with its status, progress counts and one page of items ' +
      '(each with its result once finished). Page with `cursor` = `page.next_cursor`.',
    request: { params: IdParamsSchema, query: JobQuerySchema },
    responses: {
      200: {
        description: 'The result or the batch.',
        content: {
          'application/json': { schema: z.discriminatedUnion('kind', [InferenceResultSchema, BatchSchema]) },
        },
      },
      ...problemResponses(400, 404),
    },
  }),
);

const cancelRoute = createRoute(
  secured('infer', {
    method: 'post',
    path: '/inference/{id}/cancel',
    operationId: 'cancel',
    tags: ['inference'],
    summary: 'Cancel a batch',
    description:
      'Stops the queued items of a batch and aborts its in-flight engine calls (on this replica at once, on others at their next ' +
      'lease heartbeat). The answer counts what was actually stopped. Idempotent: cancelling again answers 200 with nothing stopped ' +
      'and `already_cancelled: true`. A job that had already finished on its own (a completed or failed batch, or any single ' +
      'predict result, which is finished when its id is returned) answers 409 CONFLICT: there is nothing to cancel.',
    request: { params: IdParamsSchema },
    responses: {
      200: {
        description: 'What was stopped.',
        content: { 'application/json': { schema: CancelResultSchema } },
      },
      ...problemResponses(400, 404, 409),
    },
  }),
);

export function inferenceRoutes(deps: InferenceRoutesDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use('/inference/predict', predictBodyLimit(deps.imageMaxBytes));

  app.use('/inference/predict/base64', predictBodyLimit(deps.imageMaxBytes));
  app.use(
    '/inference/predict',
    otherMediaType(
      /^application\/json/i,
      'this operation takes multipart/form-data files; send base64 JSON to POST /api/v1/inference/predict/base64',
    ),
  );
  app.use(
    '/inference/predict/base64',
    otherMediaType(
      /^multipart\/form-data/i,
      'this operation takes base64 JSON; send multipart/form-data files to POST /api/v1/inference/predict',
    ),
  );

  /** Runs the inspection and answers with the stored result (or its stored failure). */
  const answer = async (c: Context<AppEnv>, input: PredictInput) => {
    await deps.guard(c, input.model, input.version);
    const outcome = await deps.predict.predict(input, {
      requestId: c.get('requestId'),
      apiKeyId: c.get('caller').keyId,
      traceparent: currentTraceparent(c.req.header('traceparent')),
      signal: c.req.raw.signal,
    });
    if (!outcome.ok) {
      const error = outcome.error as ChipqError;
      throw new ChipqError(error.code, error.message, {
        cause: error,
        details: { ...error.details, inference_id: outcome.result.id },
      });
    }
    c.header('Content-Location', `/api/v1/inference/${outcome.result.id}`);
    return c.json(outcome.result, 200);
  };
  app.openapi(predictRoute, async (c) => answer(c, await predictInputFromForm(c.req.valid('form'))));
  app.openapi(predictBase64Route, async (c) => answer(c, predictInputFromJson(c.req.valid('json'))));

  app.openapi(getRoute, async (c) => {
    const { id } = c.req.valid('param');
    const query = c.req.valid('query');
    const job = await deps.jobs.get(id, query);
    if (job === undefined)
      throw new ChipqError('NOT_FOUND', `no result or batch with id ${id}`, { details: { id } });
    return c.json(job, 200);
  });

  app.openapi(cancelRoute, async (c) => {
    const { id } = c.req.valid('param');
    const outcome = await deps.batches.cancel(id);
    if (outcome !== undefined) return c.json(outcome, 200);
    if (await deps.jobs.isResult(id)) {
      throw new ChipqError(
        'CONFLICT',
        `${id} is a single prediction, finished when its id was returned; nothing to cancel`,
        {
          details: { id, status: 'completed' },
        },
      );
    }
    throw new ChipqError('NOT_FOUND', `no batch with id ${id}`, { details: { id } });
  });

  return app;
}
