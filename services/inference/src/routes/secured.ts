/**
 * Declares who may call a route, once, for both the code and the document: `secured(scope, route)`
 * adds the `requireScope` middleware, the OpenAPI `security` requirement (the bearer scheme with
 * the scope as its role, OpenAPI 3.1 §4.8.30), the 401/403/429 answers and a sentence saying so.
 * Read and infer operations also list `{}` (no key): they are open while no `infer` key exists.
 */
import type { RouteConfig } from '@hono/zod-openapi';
import type { Scope } from '../auth/scopes.js';
import { requireScope } from '../http/authenticate.js';
import { problemResponses } from '../schemas/problem-schema.js';

export const bearerSchemeName = 'bearerAuth';

/** The security scheme registered in the document's components. */
export const bearerScheme = {
  type: 'http' as const,
  scheme: 'bearer',
  description:
    'An API key as `Authorization: Bearer <key>`. Keys are created with `chipq keys create` (or POST /api/v1/keys) ' +
    'and hold scopes: `admin` (everything: model management, keys), `infer` (predict, batches, and reads), `review` ' +
    "(human review of stored results, and reads: operators' keys), `read` (reads). CHIPQ_ADMIN_KEY is an admin key from the " +
    'environment. Model management always needs an admin key; ' +
    'inference and reads need a key only once a key with the `infer` scope exists.',
};

const access: Record<Scope, string> = {
  admin: 'Needs an API key with the `admin` scope.',
  infer: 'Needs an API key with the `infer` (or `admin`) scope once any `infer` key exists; open until then.',
  review:
    'Needs an API key with the `review` (or `admin`) scope once any `infer` key exists; open until then.',
  read: 'Needs an API key (any scope) once any `infer` key exists; open until then.',
};

export function secured<const R extends RouteConfig>(scope: Scope, route: R) {
  const denied = scope === 'read' ? problemResponses(401, 429) : problemResponses(401, 403, 429);
  return {
    ...route,
    description: route.description === undefined ? access[scope] : `${route.description}\n\n${access[scope]}`,
    security: (scope === 'admin'
      ? [{ [bearerSchemeName]: [scope] }]
      : [{ [bearerSchemeName]: [scope] }, {}]) as Array<Record<string, string[]>>,
    middleware: [requireScope(scope)],
    responses: { ...route.responses, ...denied },
  };
}
