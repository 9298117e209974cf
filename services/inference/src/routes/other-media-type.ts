/**
 * Operations that come in two forms (predict, batch) take one media type each, so client
 * generators of other languages can read them. A body in the sibling operation's media type is
 * answered 415 UNSUPPORTED_MEDIA_TYPE naming the path that takes it, before the validator's
 * generic 415, so a client of the former one-path operation finds its way.
 */
import { ChipqError } from '@chipq/core';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/app-env.js';

export function otherMediaType(wrong: RegExp, hint: string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const contentType = c.req.header('content-type') ?? '';
    if (wrong.test(contentType))
      throw new ChipqError('UNSUPPORTED_MEDIA_TYPE', hint, { details: { content_type: contentType } });
    await next();
  };
}
