/**
 * The name rule that finds an image's reference in the same folder: `--pair _test:_temp` maps
 * `x_test.jpg` to `x_temp.jpg`. The tokens are matched at the end of the file's stem (the name
 * without its extension), so `a_test_b.jpg` is not an image of the rule.
 */
import { basename, dirname, extname, join } from 'node:path';
import { usageError } from '../exit-codes.js';

export interface PairRule {
  /** Suffix of a tested image's stem, e.g. `_test`. */
  image: string;
  /** Suffix of its reference's stem, e.g. `_temp`. */
  reference: string;
}

/** What the rule says about one file. */
export type PairMatch = { kind: 'image'; reference: string } | { kind: 'reference' } | { kind: 'unmatched' };

/** Parses `IMAGE:REFERENCE` (two different non-empty suffixes). */
export function parsePairRule(text: string): PairRule {
  const parts = text.split(':');
  const [image, reference] = parts;
  if (parts.length !== 2 || !image || !reference || image === reference) {
    throw usageError(
      `expected --pair IMAGE_SUFFIX:REFERENCE_SUFFIX with two different suffixes (e.g. _test:_temp), got ${JSON.stringify(text)}`,
    );
  }
  if (/[\\/]/.test(text))
    throw usageError(`--pair suffixes are parts of file names, not paths: ${JSON.stringify(text)}`);
  return { image, reference };
}

/** Applies the rule to a file path; the reference keeps the image's folder and extension. */
export function matchPair(rule: PairRule, path: string): PairMatch {
  const extension = extname(path);
  const stem = basename(path, extension);
  // The longer suffix first: with `_a:_ba`, `x_ba.png` is a reference, not an image.
  const referenceFirst = rule.reference.length > rule.image.length;
  const isImage = stem.endsWith(rule.image) && stem.length > rule.image.length;
  const isReference = stem.endsWith(rule.reference) && stem.length > rule.reference.length;
  if (isReference && (referenceFirst || !isImage)) return { kind: 'reference' };
  if (isImage) {
    const referenceStem = stem.slice(0, stem.length - rule.image.length) + rule.reference;
    return { kind: 'image', reference: join(dirname(path), referenceStem + extension) };
  }
  return { kind: 'unmatched' };
}
