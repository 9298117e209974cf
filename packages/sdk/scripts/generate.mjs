// The turbo `generate` task of @chipq/sdk: writes gen/openapi.ts from openapi/openapi.json.
// The file is rewritten only when its text changes, so a type-check or build running at
// the same time never sees it half-written and turbo's cache stays warm.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { generatedUrl, renderOpenApiTypes } from './render-openapi-types.mjs';

const text = await renderOpenApiTypes();
const previous = await readFile(generatedUrl, 'utf8').catch(() => undefined);
if (previous !== text) {
  await mkdir(new URL('.', generatedUrl), { recursive: true });
  const scratch = `${fileURLToPath(generatedUrl)}.${process.pid}.tmp`;
  await writeFile(scratch, text);
  await rename(scratch, generatedUrl);
  console.log('gen/openapi.ts written');
} else {
  console.log('gen/openapi.ts up to date');
}
