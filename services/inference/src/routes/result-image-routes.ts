/**
 * GET /inference/{id}/image: the pixels behind a stored result, when the service kept them
 * (IMAGE_STORE_DIR). Addressed by content hash underneath, so an answer never changes and may
 * be cached for good.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../http/app-env.js';
import { validationHook } from '../http/validation-hook.js';
import { IdParamsSchema } from '../schemas/common-schemas.js';
import { problemResponses } from '../schemas/problem-schema.js';
import type { ResultImageService } from '../services/result-image-service.js';
import { secured } from './secured.js';

const ImageQuerySchema = z.object({
  which: z
    .enum(['image', 'reference'])
    .default('image')
    .openapi({ description: 'The inspected image (default) or its reference.' }),
});

const binary = { schema: z.string().openapi({ type: 'string', format: 'binary' }) };

const imageRoute = createRoute(
  secured('read', {
    method: 'get',
    path: '/inference/{id}/image',
    operationId: 'getResultImage',
    tags: ['inference'],
    summary: "A result's image",
    description:
      'The image (or reference) a result was inspected on, as sent. The database stores only its SHA-256; the bytes are kept ' +
      'only when the service runs with IMAGE_STORE_DIR (predict and batch images, least recently stored evicted beyond ' +
      'IMAGE_STORE_MAX_SIZE, default 20 GiB). Otherwise 404 with `details.reason`: `not_kept` (no store), `evicted`, ' +
      '`no_reference` or `no_result`.',
    request: { params: IdParamsSchema, query: ImageQuerySchema },
    responses: {
      200: {
        description: 'The image bytes, with their media type.',
        content: {
          'image/png': binary,
          'image/jpeg': binary,
          'image/tiff': binary,
          'image/webp': binary,
          'image/bmp': binary,
          'application/octet-stream': binary,
        },
      },
      ...problemResponses(400, 404),
    },
  }),
);

export function resultImageRoutes(deps: { images: ResultImageService }): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(imageRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { bytes, contentType } = await deps.images.get(id, c.req.valid('query').which);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      'content-type': contentType,
      'cache-control': 'private, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
    }) as never;
  });
  return app;
}
