/**
 * Schemas of human review (issue 11 item 4): what an operator sends for one stored result
 * (each detection judged a true defect or a false alarm, the defects the model missed with a
 * class and a box, and the verdict), and the stored review as results show it.
 */
import { z } from '@hono/zod-openapi';
import { printableText } from './strict-fields.js';

const BoxSchema = z
  .object({ x1: z.number().min(0), y1: z.number().min(0), x2: z.number(), y2: z.number() })
  .refine((b) => b.x2 > b.x1 && b.y2 > b.y1, { message: 'expected x2 > x1 and y2 > y1' })
  .openapi('ReviewBox', {
    description: 'Corners in the original image pixels.',
    example: { x1: 310, y1: 402, x2: 338, y2: 425 },
  });

const defectType = printableText(128).openapi({ example: 'open' });

const JudgedDefectInput = z.object({
  index: z.number().int().min(0).openapi({ description: "The detection's position in `detections`." }),
  outcome: z.enum(['true_defect', 'false_alarm']),
});

const MissedDefectInput = z.object({ defect_type: defectType, box: BoxSchema });

export const ReviewInputSchema = z
  .object({
    verdict: z.enum(['PASS', 'FAIL']).openapi({
      description:
        "The operator's verdict for the item. A REVIEW verdict of the model is resolved here to PASS or FAIL.",
    }),
    defects: z
      .array(JudgedDefectInput)
      .max(10_000)
      .openapi({
        description:
          'One judgement for every detection of the result, each index exactly once. A detection of the wrong class is a ' +
          '`false_alarm` plus a missed defect of the right class (as detection metrics count it).',
      }),
    missed: z.array(MissedDefectInput).max(1_000).optional().openapi({
      description: 'Defects the model did not find, with their class and box (default none).',
    }),
    reviewer: printableText(128)
      .optional()
      .openapi({ description: "The operator's name or badge, as they want it recorded.", example: 'j.doe' }),
    comment: z
      .string()
      .max(2000)
      // Newlines are welcome in a comment; NUL and lone surrogates cannot be stored as text.
      .regex(
        // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing NUL is the point
        /^(?:[^\x00\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/,
        'expected text without NUL or lone surrogates',
      )
      .optional(),
  })
  .openapi('ReviewInput', {
    example: {
      verdict: 'FAIL',
      defects: [
        { index: 0, outcome: 'true_defect' },
        { index: 1, outcome: 'false_alarm' },
      ],
      missed: [{ defect_type: 'open', box: { x1: 310, y1: 402, x2: 338, y2: 425 } }],
      reviewer: 'j.doe',
    },
  });

export const ReviewSchema = z
  .object({
    id: z.uuid(),
    revision: z.number().int().openapi({
      description:
        '1 for the first review; each re-review adds one and replaces the current review in every figure.',
    }),
    verdict: z.enum(['PASS', 'FAIL']).openapi({ description: "The operator's verdict." }),
    model_verdict: z.enum(['PASS', 'FAIL', 'REVIEW']).nullable(),
    verdict_agrees: z.boolean().nullable().openapi({
      description: "Whether the model's PASS or FAIL was confirmed; null when the model answered REVIEW.",
    }),
    defects: z.array(
      z.object({
        index: z.number().int(),
        outcome: z.enum(['true_defect', 'false_alarm']),
        defect_type: z.string(),
      }),
    ),
    missed: z.array(
      z.object({
        defect_type: z.string(),
        box: z.object({ x1: z.number(), y1: z.number(), x2: z.number(), y2: z.number() }),
      }),
    ),
    counts: z.object({
      true_defects: z.number().int(),
      false_alarms: z.number().int(),
      missed: z.number().int(),
    }),
    reviewer: z.string().nullable(),
    comment: z.string().nullable(),
    api_key_id: z
      .string()
      .nullable()
      .openapi({ description: 'The key that sent the review (never its secret).' }),
    created_at: z.iso.datetime(),
  })
  .openapi('Review');

export const ReviewHistorySchema = z
  .object({
    inference_id: z.uuid(),
    reviews: z
      .array(ReviewSchema.extend({ superseded_at: z.iso.datetime().nullable() }).openapi('ReviewRevision'))
      .openapi({
        description: 'Every revision, newest first; the first is the current review.',
      }),
  })
  .openapi('ReviewHistory');

export type ReviewInput = z.infer<typeof ReviewInputSchema>;
export type ReviewView = z.infer<typeof ReviewSchema>;
export type ReviewHistoryView = z.infer<typeof ReviewHistorySchema>;
