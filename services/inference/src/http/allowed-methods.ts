/**
 * The methods a path answers, read from the served OpenAPI document, so that a documented path
 * asked with another method (TRACE, PATCH, ...) is a 405 naming them in `Allow` rather than a
 * 404. As OpenAPI says, a concrete path (`/inference/predict`) wins over a templated one
 * (`/inference/{id}`) that would also match.
 */

const httpMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

interface PathEntry {
  pattern: RegExp;
  templated: boolean;
  methods: string[];
}

const cache = new WeakMap<object, PathEntry[]>();

function entries(document: { paths?: Record<string, Record<string, unknown>> }): PathEntry[] {
  const cached = cache.get(document);
  if (cached !== undefined) return cached;
  const built = Object.entries(document.paths ?? {}).map(([path, item]) => ({
    pattern: new RegExp(
      `^${path
        .split('/')
        .map((part) => (/^\{[^}]+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
        .join('/')}$`,
    ),
    templated: path.includes('{'),
    methods: httpMethods.filter((m) => m in item).map((m) => m.toUpperCase()),
  }));
  cache.set(document, built);
  return built;
}

/** The documented methods of `path`, sorted; empty when the document has no such path. */
export function allowedMethods(document: object, path: string): string[] {
  const matching = entries(document as { paths?: Record<string, Record<string, unknown>> }).filter((e) =>
    e.pattern.test(path),
  );
  const concrete = matching.filter((e) => !e.templated);
  const chosen = concrete.length > 0 ? concrete : matching;
  return [...new Set(chosen.flatMap((e) => e.methods))].sort();
}
