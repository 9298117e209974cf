/** Hono's environment for the service: the variables middleware sets on each request. */
import type { OpenAPIHono } from '@hono/zod-openapi';

export interface AppEnv {
  Variables: {
    /** From `X-Request-Id` when the caller sent a usable one, else a new UUID. */
    requestId: string;
  };
}

export type ApiRouter = OpenAPIHono<AppEnv>;
