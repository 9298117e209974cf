// Guards CONVENTIONS.md §8: gen/openapi.ts must be exactly what the generator makes from the
// committed OpenAPI document, so the SDK's types cannot drift from the API.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
// @ts-expect-error - a plain .mjs script without declarations, shared with `pnpm generate`
import { generatedUrl, renderOpenApiTypes } from '../scripts/render-openapi-types.mjs';

describe('gen/openapi.ts', () => {
  it('matches a fresh generation from openapi/openapi.json (run `pnpm generate` if not)', async () => {
    const fresh: string = await renderOpenApiTypes();
    const committed = await readFile(generatedUrl as URL, 'utf8');
    expect(committed === fresh, 'gen/openapi.ts is stale: run `pnpm --filter @chipq/sdk generate`').toBe(
      true,
    );
  });
});
