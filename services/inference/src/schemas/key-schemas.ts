/** API keys: creating one, and how a key is listed (never with its secret, except once at creation). */
import { z } from '@hono/zod-openapi';
import { scopes } from '../auth/scopes.js';
import { printableText } from './strict-fields.js';

const ScopeSchema = z.enum(scopes).openapi('Scope', {
  description:
    '`admin`: everything (model management, keys). `infer`: predict, batches and reads. `read`: reads.',
});

export const KeyIdParamsSchema = z.object({
  id: z
    .string()
    .regex(/^[a-z2-7]{8}$/, 'expected an API key id: 8 characters a-z and 2-7')
    .openapi({ param: { name: 'id', in: 'path' }, example: 'k3m7q2xa' }),
});

export const CreateKeySchema = z
  .object({
    name: printableText(100).openapi({ description: 'Who or what uses the key.', example: 'aoi-station-7' }),
    scopes: z
      .array(ScopeSchema)
      .min(1)
      .max(3)
      .openapi({ example: ['infer'] }),
  })
  .strict()
  .openapi('CreateKey');

export const ApiKeySchema = z
  .object({
    id: z
      .string()
      .openapi({ description: 'The public id; logs and stored results show it.', example: 'k3m7q2xa' }),
    name: z.string(),
    scopes: z.array(ScopeSchema),
    created_by: z.string().nullable().openapi({ description: 'Id of the admin key that created it.' }),
    created_at: z.iso.datetime(),
    revoked_at: z.iso.datetime().nullable(),
  })
  .openapi('ApiKey');

export const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().openapi({
    description:
      'The key itself, shown this once: only its SHA-256 is stored. Send it as `Authorization: Bearer <key>`.',
    example: 'chipq_k3m7q2xa_3Jm0c9yQv1bq4dE8pXrT0u6wZ2sNf5hL7aGk9oVyR1I',
  }),
}).openapi('CreatedApiKey');

export const ApiKeyListSchema = z.object({ keys: z.array(ApiKeySchema) }).openapi('ApiKeyList');
