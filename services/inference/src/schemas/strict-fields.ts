/**
 * Field schemas that take a value only as it is spelled, never coerced, and only within what its
 * column can hold (issue 10 item 3): text without control characters (PostgreSQL's text refuses
 * NUL; newlines and escapes forge log lines), integers in decimal digits within int4, numbers in
 * JSON's grammar, bounded tags. Form and query fields are text, so each has a text twin that
 * checks the spelling before it converts. Patterns use explicit ranges (`[0-9]`, `\x00`), not
 * `\d` or `\p{..}`, so that every regex engine reading the OpenAPI document (schemathesis's
 * Python one included) agrees with ours.
 */
import { z } from '@hono/zod-openapi';

/** PostgreSQL `integer` (int4): die coordinates are stored there. */
const INT4_MIN = -2_147_483_648;
const INT4_MAX = 2_147_483_647;

/** C0 controls, DEL and C1 controls: never part of an id, a label or a tag. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const printablePattern = /^[^\x00-\x1F\x7F-\x9F]*$/;
const printableMessage = 'must not contain control characters (NUL, tab, newline, DEL, ...)';
/** Lone UTF-16 surrogates cannot be stored as UTF-8; JSON can still spell them (`"\ud800"`). */
const loneSurrogate = /(?:[\uD800-\uDBFF](?![\uDC00-\uDFFF]))|(?:(?<![\uD800-\uDBFF])[\uDC00-\uDFFF])/;

/** Text of 1 to `max` characters, printable. */
export const printableText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(printablePattern, printableMessage)
    .refine((text) => !loneSurrogate.test(text), 'must be well-formed Unicode (no lone surrogate)');

/** An int4 given as a JSON number. */
export const int4 = () => z.number().int().min(INT4_MIN).max(INT4_MAX);

const decimalInteger = /^-?[0-9]{1,10}$/;

/**
 * An integer given as text (a form field, a query parameter): optional minus sign and decimal
 * digits only, so '', ' 5', '+5', '0x10', '1e3' and '1.0' are refused rather than read as 0, 5,
 * 16 or 1000; then range-checked as a number.
 */
export const textInteger = (min: number = INT4_MIN, max: number = INT4_MAX) =>
  z
    .string()
    .regex(
      decimalInteger,
      'expected an integer written in decimal digits (no spaces, sign +, hex or exponent)',
    )
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .openapi({ type: 'integer', minimum: min, maximum: max });

const jsonNumber = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

/** A number given as text, spelled as JSON spells numbers ('0.5', '1e-1'; not '', ' 0.5' or '0x1'). */
export const textNumber = (min: number, max: number) =>
  z
    .string()
    .regex(jsonNumber, 'expected a number as JSON writes it (such as 0.5; no spaces or hex)')
    .transform(Number)
    .pipe(z.number().min(min).max(max))
    .openapi({ type: 'number', minimum: min, maximum: max });

/** Most tags one result may carry, and the longest key and value (characters). */
export const TAG_LIMITS = { count: 64, keyLength: 64, valueLength: 256 } as const;

const tagKey = printableText(TAG_LIMITS.keyLength);
const tagValue = z.string().max(TAG_LIMITS.valueLength).regex(printablePattern, printableMessage);

/** Tags as stored: string keys and values within TAG_LIMITS. */
export const storedTags = z
  .record(tagKey, tagValue)
  .refine((tags) => Object.keys(tags).length <= TAG_LIMITS.count, `at most ${TAG_LIMITS.count} tags`)
  .openapi({ maxProperties: TAG_LIMITS.count });

/**
 * Tags in a JSON body: numbers and booleans are kept as their JSON text, so a value is checked
 * as the text that will be stored.
 */
export const jsonTags = z
  .record(
    tagKey,
    z
      .union([tagValue, z.number(), z.boolean()])
      .transform((value) => (typeof value === 'string' ? value : JSON.stringify(value))),
  )
  .refine((tags) => Object.keys(tags).length <= TAG_LIMITS.count, `at most ${TAG_LIMITS.count} tags`)
  .openapi({ maxProperties: TAG_LIMITS.count });
