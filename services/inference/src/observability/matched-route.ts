/**
 * The route template that answered a request (`/api/v1/inference/:id`), for span names and
 * metric labels: never the raw path, whose ids would make every request its own series. Call it
 * after `await next()`: Hono's `routeIndex` then points at the handler that responded (a
 * catch-all registered later, like the console's `GET /*`, matches too but did not answer).
 * A request only middleware answered (not found) is `unmatched`.
 */
import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';

export function matchedRoute(c: Context): string {
  const route = matchedRoutes(c)[c.req.routeIndex];
  return route === undefined || (route.method === 'ALL' && route.path === '/*') ? 'unmatched' : route.path;
}
