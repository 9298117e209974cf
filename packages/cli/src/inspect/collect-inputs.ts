/**
 * Turns the command line's files, folders and globs into the list of images to inspect, pairing
 * each with its reference by the `--pair` rule. Folders are searched recursively for images.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { glob } from 'tinyglobby';
import { usageError } from '../exit-codes.js';
import type { InspectItem } from './inspect-item.js';
import { matchPair, type PairRule } from './pair-rule.js';

/** Extensions of the formats core decodes. */
const imageExtensions = ['png', 'jpg', 'jpeg', 'tif', 'tiff', 'webp', 'gif'] as const;

export interface CollectedInputs {
  items: InspectItem[];
  /** Files skipped because the rule says they are references. */
  references: number;
  /** Files that match neither side of the rule (inspected without a reference). */
  unmatched: number;
}

async function kindOf(path: string): Promise<'file' | 'folder' | undefined> {
  try {
    const info = await stat(path);
    return info.isDirectory() ? 'folder' : info.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

/** Files named by one argument: itself, a folder's images, or a glob's matches. */
async function expand(argument: string, cwd: string): Promise<string[]> {
  const path = resolve(cwd, argument);
  const kind = await kindOf(path);
  if (kind === 'file') return [path];
  const pattern = kind === 'folder' ? `**/*.{${imageExtensions.join(',')}}` : argument;
  const found = await glob(pattern, {
    cwd: kind === 'folder' ? path : cwd,
    absolute: true,
    onlyFiles: true,
    caseSensitiveMatch: kind !== 'folder',
    expandDirectories: false,
  });
  if (found.length === 0) {
    throw usageError(
      kind === 'folder' ? `no images in the folder ${argument}` : `no file matches ${argument}`,
    );
  }
  return found;
}

const byPath = new Intl.Collator('en', { numeric: true }).compare;

/** Every image named by `args` once, in natural path order, paired by `rule` when given. */
export async function collectInputs(
  args: readonly string[],
  cwd: string,
  rule?: PairRule,
): Promise<CollectedInputs> {
  const files = new Set<string>();
  for (const argument of args) for (const file of await expand(argument, cwd)) files.add(resolve(file));
  const items: InspectItem[] = [];
  let references = 0;
  let unmatched = 0;
  for (const image of [...files].sort(byPath)) {
    const match = rule ? matchPair(rule, image) : ({ kind: 'unmatched' } as const);
    if (match.kind === 'reference') {
      references++;
      continue;
    }
    if (match.kind === 'unmatched' && rule) unmatched++;
    const reference = match.kind === 'image' ? { reference: match.reference } : {};
    items.push({ index: items.length, image, ...reference, traceability: {} });
  }
  return { items, references, unmatched };
}
