/** GET /inference: the stored results, filtered, newest first, with cursor pagination. */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../http/app-env.js';
import { validationHook } from '../http/validation-hook.js';
import { InferenceListQuerySchema, InferenceListSchema } from '../schemas/inference-list-schemas.js';
import { problemResponses } from '../schemas/problem-schema.js';
import type { InferenceListService } from '../services/inference-list-service.js';
import { secured } from './secured.js';

const listRoute = createRoute(
  secured('read', {
    method: 'get',
    path: '/inference',
    operationId: 'listResults',
    tags: ['inference'],
    summary: 'List stored results',
    description:
      'Stored single results (from predict and from batch items), newest first, filtered by traceability, verdict, status, ' +
      'model/version and a created_at window. Filters combine with AND. Page with `cursor` = `page.next_cursor` and the same ' +
      'filters; the order is stable (created_at, then id), so results stored meanwhile never shift a page.',
    request: { query: InferenceListQuerySchema },
    responses: {
      200: {
        description: 'One page of results, each as GET /inference/{id} returns it.',
        content: { 'application/json': { schema: InferenceListSchema } },
      },
      ...problemResponses(400),
    },
  }),
);

export function inferenceListRoutes(deps: { results: InferenceListService }): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(listRoute, async (c) => c.json(await deps.results.list(c.req.valid('query')), 200));
  return app;
}
