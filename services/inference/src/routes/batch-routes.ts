/** POST /inference/batch (JSON) and /inference/batch/files (multipart): accept many images, answer 202 at once, process in the background. */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../http/app-env.js';
import { batchBodyLimit } from '../http/body-limits.js';
import type { CandidateGuard } from '../http/candidate-guard.js';
import { batchInputFromForm, batchInputFromJson } from '../http/read-batch-input.js';
import { validationHook } from '../http/validation-hook.js';
import { BatchAcceptedSchema, BatchFormSchema, BatchJsonSchema } from '../schemas/batch-schemas.js';
import { problemResponses } from '../schemas/problem-schema.js';
import type { BatchInput, BatchService } from '../services/batch-service.js';
import { otherMediaType } from './other-media-type.js';
import { secured } from './secured.js';

const batchDescription =
  'Stores every image (as a content-addressed file under DATA_DIR/blobs, never in the database) and the batch with its items, ' +
  'then answers 202 with the batch id; workers on every replica claim the items from the database and infer them ' +
  'concurrently so the engine batches them. Durable: a restart resumes unfinished items, and no item is processed twice. ' +
  'Poll `GET /inference/{id}` for progress and results.';

const batchResponses = {
  202: {
    description: 'Accepted: every item is stored. `Location` is the batch URL.',
    content: { 'application/json': { schema: BatchAcceptedSchema } },
  },
  ...problemResponses(400, 404, 413, 415, 500),
};

/** Two operations, one media type each, as predict (inference-routes.ts says why). */
const batchRoute = createRoute(
  secured('infer', {
    method: 'post',
    path: '/inference/batch',
    operationId: 'batch',
    tags: ['inference'],
    summary: 'Queue many images',
    description: `${batchDescription} Images as base64 JSON (\`items\`); as multipart files: \`POST /inference/batch/files\`.`,
    request: { body: { required: true, content: { 'application/json': { schema: BatchJsonSchema } } } },
    responses: batchResponses,
  }),
);

const batchFilesRoute = createRoute(
  secured('infer', {
    method: 'post',
    path: '/inference/batch/files',
    operationId: 'batchFiles',
    tags: ['inference'],
    summary: 'Queue many images sent as files',
    description: `${batchDescription} Images as \`multipart/form-data\` (repeated \`image\`); as base64 JSON: \`POST /inference/batch\`.`,
    request: { body: { required: true, content: { 'multipart/form-data': { schema: BatchFormSchema } } } },
    responses: batchResponses,
  }),
);

export function batchRoutes(deps: {
  batches: BatchService;
  maxBodyBytes: number;
  guard: CandidateGuard;
}): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use('/inference/batch', batchBodyLimit(deps.maxBodyBytes));
  app.use('/inference/batch/files', batchBodyLimit(deps.maxBodyBytes));
  app.use(
    '/inference/batch',
    otherMediaType(
      /^multipart\/form-data/i,
      'this operation takes base64 JSON (`items`); send multipart/form-data files to POST /api/v1/inference/batch/files',
    ),
  );
  app.use(
    '/inference/batch/files',
    otherMediaType(
      /^application\/json/i,
      'this operation takes multipart/form-data files; send base64 JSON (`items`) to POST /api/v1/inference/batch',
    ),
  );

  /** Stores the batch and answers 202 with where to follow it. */
  const accept = async (c: Context<AppEnv>, input: BatchInput) => {
    await deps.guard(c, input.model, input.version);
    const batch = await deps.batches.create(input, c.get('requestId'), c.get('caller').keyId);
    const self = `/api/v1/inference/${batch.id}`;
    c.header('Location', self);
    return c.json(
      {
        kind: 'batch' as const,
        id: batch.id,
        status: batch.status,
        item_count: batch.item_count,
        created_at: batch.created_at.toISOString(),
        links: { self, cancel: `${self}/cancel` },
      },
      202,
    );
  };
  app.openapi(batchRoute, async (c) => accept(c, batchInputFromJson(c.req.valid('json'))));
  app.openapi(batchFilesRoute, async (c) => accept(c, await batchInputFromForm(c.req.valid('form'))));
  return app;
}
