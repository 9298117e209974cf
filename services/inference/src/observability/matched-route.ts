/**
 * The route template a request matched (`/api/v1/inference/:id`), for span names and metric
 * labels: never the raw path, whose ids would make every request its own series. Hono matches
 * all routes before the first middleware runs, so the last match is the handler's route even
 * inside a middleware; a request no handler matched has only the catch-all middleware.
 */
import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';

export function matchedRoute(c: Context): string {
  const last = matchedRoutes(c).at(-1);
  return last === undefined || (last.method === 'ALL' && last.path === '/*') ? 'unmatched' : last.path;
}
