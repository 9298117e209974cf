/**
 * Human review (issue 11 item 4): an operator judges a stored result (POST
 * /inference/{id}/review, `review` scope), its history of revisions, the queue of results to
 * review, and the precision and recall the reviews give each model version over time.
 */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../http/app-env.js';
import { validationHook } from '../http/validation-hook.js';
import { IdParamsSchema } from '../schemas/common-schemas.js';
import { problemResponses } from '../schemas/problem-schema.js';
import { ReviewQualityQuerySchema, ReviewQualitySchema } from '../schemas/review-quality-schemas.js';
import { ReviewQueueQuerySchema, ReviewQueueSchema } from '../schemas/review-queue-schemas.js';
import { ReviewHistorySchema, ReviewInputSchema, ReviewSchema } from '../schemas/review-schemas.js';
import type { ReviewQualityService } from '../services/review-quality-service.js';
import type { ReviewQueueService } from '../services/review-queue-service.js';
import type { ReviewService } from '../services/review-service.js';
import { secured } from './secured.js';

const tags = ['review'];
const json = <T>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const submitRoute = createRoute(
  secured('review', {
    method: 'post',
    path: '/inference/{id}/review',
    operationId: 'submitReview',
    tags,
    summary: 'Review a result',
    description:
      'An operator judges a completed result: every detection a true defect or a false alarm, the defects the model missed ' +
      '(class and box), and the verdict. Stored with who (the key id, and `reviewer` as typed) and when. Reviewing again ' +
      'makes a new revision that replaces the current review in GET /inference/{id} and in every figure; earlier revisions ' +
      "stay in GET /inference/{id}/reviews. Each judged outcome is also written to the detection's `review_status`.",
    request: {
      params: IdParamsSchema,
      body: { required: true, content: { 'application/json': { schema: ReviewInputSchema } } },
    },
    responses: {
      201: json(ReviewSchema, 'The stored review (the current one from now on).'),
      ...problemResponses(400, 404, 409),
    },
  }),
);

const historyRoute = createRoute(
  secured('read', {
    method: 'get',
    path: '/inference/{id}/reviews',
    operationId: 'reviewHistory',
    tags,
    summary: "A result's review revisions",
    request: { params: IdParamsSchema },
    responses: {
      200: json(ReviewHistorySchema, 'Every revision, newest first.'),
      ...problemResponses(400, 404),
    },
  }),
);

const queueRoute = createRoute(
  secured('read', {
    method: 'get',
    path: '/reviews/queue',
    operationId: 'reviewQueue',
    tags,
    summary: 'Results to review',
    description:
      'Unreviewed completed results: every REVIEW verdict first, then a deterministic sample (`sample_rate`) of the PASS and FAIL ' +
      'results, which is what measures recall (a defect the model missed hides in a PASS). Oldest first within each.',
    request: { query: ReviewQueueQuerySchema },
    responses: { 200: json(ReviewQueueSchema, 'One page of the queue.'), ...problemResponses(400) },
  }),
);

const qualityRoute = createRoute(
  secured('read', {
    method: 'get',
    path: '/reviews/quality',
    operationId: 'reviewQuality',
    tags,
    summary: 'Precision and recall from reviews',
    description:
      'Per model version, in time buckets of the inspection: reviewed results, true defects, false alarms and missed defects, ' +
      'with precision, recall and verdict agreement and their 95 % Wilson intervals. Only the current review of each result counts.',
    request: { query: ReviewQualityQuerySchema },
    responses: { 200: json(ReviewQualitySchema, 'The figures.'), ...problemResponses(400) },
  }),
);

export interface ReviewRoutesDeps {
  reviews: ReviewService;
  queue: ReviewQueueService;
  quality: ReviewQualityService;
}

export function reviewRoutes(deps: ReviewRoutesDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(submitRoute, async (c) => {
    const { id } = c.req.valid('param');
    const review = await deps.reviews.submit(id, c.req.valid('json'), {
      apiKeyId: c.get('caller').keyId,
      requestId: c.get('requestId'),
    });
    c.header('Location', `/api/v1/inference/${id}/reviews`);
    return c.json(review, 201);
  });
  app.openapi(historyRoute, async (c) => c.json(await deps.reviews.history(c.req.valid('param').id), 200));
  app.openapi(queueRoute, async (c) => c.json(await deps.queue.queue(c.req.valid('query')), 200));
  app.openapi(qualityRoute, async (c) => c.json(await deps.quality.quality(c.req.valid('query')), 200));
  return app;
}
