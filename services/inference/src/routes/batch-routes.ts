/** POST /inference/batch: accept many images, answer 202 at once, process in the background. */
import { createRoute, OpenAPIHono, type z } from '@hono/zod-openapi';
import type { AppEnv } from '../http/app-env.js';
import { batchBodyLimit } from '../http/body-limits.js';
import type { CandidateGuard } from '../http/candidate-guard.js';
import { batchInputFromForm, batchInputFromJson } from '../http/read-batch-input.js';
import { validationHook } from '../http/validation-hook.js';
import { BatchAcceptedSchema, BatchFormSchema, BatchJsonSchema } from '../schemas/batch-schemas.js';
import { problemResponses } from '../schemas/problem-schema.js';
import type { BatchService } from '../services/batch-service.js';
import { markBodyRequired, missingBody } from './mark-body-required.js';
import { secured } from './secured.js';

/** Built per app: `markBodyRequired` edits the definition after registration. */
const batchRoute = () =>
  createRoute(
    secured('infer', {
      method: 'post',
      path: '/inference/batch',
      operationId: 'batch',
      tags: ['inference'],
      summary: 'Queue many images',
      description:
        'Stores every image (as a content-addressed file under DATA_DIR/blobs, never in the database) and the batch with its items, ' +
        'then answers 202 with the batch id; workers on every replica claim the items from the database and infer them ' +
        'concurrently so the engine batches them. Durable: a restart resumes unfinished items, and no item is processed twice. ' +
        'Poll `GET /inference/{id}` for progress and results.',
      request: {
        body: {
          content: {
            'multipart/form-data': { schema: BatchFormSchema },
            'application/json': { schema: BatchJsonSchema },
          },
        },
      },
      responses: {
        202: {
          description: 'Accepted: every item is stored. `Location` is the batch URL.',
          content: { 'application/json': { schema: BatchAcceptedSchema } },
        },
        ...problemResponses(400, 404, 413, 415, 500),
      },
    }),
  );

export function batchRoutes(deps: {
  batches: BatchService;
  maxBodyBytes: number;
  guard: CandidateGuard;
}): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use('/inference/batch', batchBodyLimit(deps.maxBodyBytes));
  const batchRouteDefinition = batchRoute();
  app.openapi(batchRouteDefinition, async (c) => {
    const form = c.req.valid('form') as Partial<z.infer<typeof BatchFormSchema>>;
    const json = c.req.valid('json') as Partial<z.infer<typeof BatchJsonSchema>>;
    const input =
      form.image !== undefined
        ? await batchInputFromForm(form as z.infer<typeof BatchFormSchema>)
        : json.items !== undefined
          ? batchInputFromJson(json as z.infer<typeof BatchJsonSchema>)
          : undefined;
    if (input === undefined)
      throw missingBody('send images as multipart/form-data (repeated `image`) or JSON (`items`)');
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
  });
  markBodyRequired(batchRouteDefinition);
  return app;
}
