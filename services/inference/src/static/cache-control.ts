/** Cache-Control of the files this service serves to browsers. */
import type { Context } from 'hono';

/** For a URL that changes whenever its content does (a hash or a version in the name). */
export function immutableCache(c: Context): void {
  c.header('Cache-Control', 'public, max-age=31536000, immutable');
}

/** For a URL whose content changes in place (index.html): revalidate on every use. */
export function revalidateCache(c: Context): void {
  c.header('Cache-Control', 'no-cache');
}
