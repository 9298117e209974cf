/** /keys: create, list and revoke API keys. Admin only. */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { callerKeyId } from '../auth/caller.js';
import type { AppEnv } from '../http/app-env.js';
import { validationHook } from '../http/validation-hook.js';
import {
  ApiKeyListSchema,
  ApiKeySchema,
  CreatedApiKeySchema,
  CreateKeySchema,
  KeyIdParamsSchema,
} from '../schemas/key-schemas.js';
import { problemResponses } from '../schemas/problem-schema.js';
import type { ApiKeyService } from '../services/api-key-service.js';
import { secured } from './secured.js';

const tags = ['keys'];
const json = <T>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const listRoute = createRoute(
  secured('admin', {
    method: 'get',
    path: '/keys',
    operationId: 'listKeys',
    tags,
    summary: 'List API keys',
    description: 'Every key, revoked ones too, newest first. Secrets are never shown.',
    responses: { 200: json(ApiKeyListSchema, 'The keys.') },
  }),
);

const createKeyRoute = createRoute(
  secured('admin', {
    method: 'post',
    path: '/keys',
    operationId: 'createKey',
    tags,
    summary: 'Create an API key',
    description:
      'Creates a key with the given scopes and returns it once (only its SHA-256 is stored). The first key with the `infer` scope ' +
      'closes inference and reads to callers without a key.',
    request: { body: { required: true, content: { 'application/json': { schema: CreateKeySchema } } } },
    responses: { 201: json(CreatedApiKeySchema, 'The key, with its secret.'), ...problemResponses(400, 415) },
  }),
);

const revokeRoute = createRoute(
  secured('admin', {
    method: 'post',
    path: '/keys/{id}/revoke',
    operationId: 'revokeKey',
    tags,
    summary: 'Revoke an API key',
    description:
      'The key stops working at once on this replica and within 5 s on others. The row stays, so stored results keep naming it. ' +
      'Revoking twice is harmless.',
    request: { params: KeyIdParamsSchema },
    responses: { 200: json(ApiKeySchema, 'The revoked key.'), ...problemResponses(400, 404, 409) },
  }),
);

export function keyRoutes(deps: { keys: ApiKeyService }): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(listRoute, async (c) => c.json({ keys: await deps.keys.list() }, 200));
  app.openapi(createKeyRoute, async (c) => {
    const body = c.req.valid('json');
    const created = await deps.keys.create({ ...body, createdBy: callerKeyId(c.get('caller')) });
    return c.json(created, 201);
  });
  app.openapi(revokeRoute, async (c) => c.json(await deps.keys.revoke(c.req.valid('param').id), 200));
  return app;
}
