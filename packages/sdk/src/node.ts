// @chipq/sdk/node: reading images and model files from paths, for Node (and Bun/Deno's node:
// compatibility). Kept out of the main entry so browsers never see node:fs.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';

/**
 * Reads a file as a Blob named after it (`File` where available), ready for `predict`,
 * `batch` or `models.deploy`.
 */
export async function fileFromPath(path: string): Promise<Blob> {
  const bytes = await readFile(path);
  return typeof File === 'function' ? new File([bytes], basename(path)) : new Blob([bytes]);
}
