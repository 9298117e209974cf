/** Schemas of /experiments: create, read with figures and statistics, list, stop. */
import { z } from '@hono/zod-openapi';
import { modelName, modelVersion } from './common-schemas.js';
import { DefaultChangeSchema } from './model-schemas.js';

const armName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'expected an arm name: letters, digits, _ . - (up to 64)');

const ArmInputSchema = z
  .object({
    name: armName.optional().openapi({ description: 'Default `v<version>`.', example: 'candidate' }),
    version: modelVersion,
    weight: z.number().int().min(0).max(1_000_000).optional().openapi({
      description:
        "Split mode (required): the arm's share of the units, relative to the other arms. Ignored in shadow mode.",
      example: 50,
    }),
    control: z.boolean().optional().openapi({
      description:
        'The arm the others are compared with. Default: the first arm in split mode; in shadow mode the arm of the default version (which answers).',
    }),
  })
  .strict();

export const CreateExperimentSchema = z
  .object({
    name: z.string().min(1).max(200).optional(),
    description: z.string().max(2000).optional(),
    model: modelName,
    mode: z.enum(['split', 'shadow']).openapi({
      description:
        '`split`: each unit is served by one arm, chosen by a stable hash of the experiment and the unit (a wafer never mixes models). ' +
        '`shadow`: the default version answers; the other arms run on the same image afterwards, off the request path; their results are stored, never returned, never counted in a verdict.',
    }),
    unit: z.enum(['lot_id', 'wafer_id', 'request']).optional().openapi({
      description:
        'What split mode assigns by (default `wafer_id`; `request` in shadow mode, where it only labels the figures). Requests without that field are served by the default version, outside the experiment.',
    }),
    arms: z.array(ArmInputSchema).min(2).max(8),
    match_iou: z.number().gt(0).max(1).optional().openapi({
      description:
        'Shadow agreement: IoU above which two defects of the same class are the same defect. Default 0.5.',
    }),
  })
  .strict()
  .openapi('CreateExperimentRequest', {
    example: {
      model: 'pcb_defect_detector',
      mode: 'split',
      unit: 'wafer_id',
      arms: [
        { version: '3', weight: 50 },
        { version: '1', weight: 50 },
      ],
    },
  });

const IntervalSchema = z.object({ low: z.number(), high: z.number() }).openapi('Interval');

const ProportionSchema = z
  .object({
    successes: z.number().int(),
    trials: z.number().int(),
    rate: z.number().nullable(),
    interval: IntervalSchema.nullable().openapi({ description: 'Wilson score interval, 95 %.' }),
  })
  .openapi('Proportion');

const ArmSchema = z
  .object({
    name: z.string(),
    version: z.string(),
    weight: z.number().int(),
    role: z.enum(['control', 'treatment', 'shadow']),
  })
  .openapi('ExperimentArm');

const ArmFiguresSchema = z
  .object({
    name: z.string(),
    version: z.string(),
    role: z.enum(['control', 'treatment', 'shadow']),
    served: z.enum(['answered', 'shadow']),
    requests: z.number().int(),
    completed: z.number().int(),
    failed: z.number().int(),
    units: z
      .number()
      .int()
      .openapi({ description: 'Distinct lots, wafers or results served (by the unit).' }),
    error_rate: ProportionSchema,
    verdicts: z.object({ PASS: ProportionSchema, FAIL: ProportionSchema, REVIEW: ProportionSchema }),
    defects_by_class: z.array(
      z.object({
        class_id: z.number().int(),
        defect_type: z.string(),
        detections: z.number().int(),
        image_rate: ProportionSchema.openapi({
          description: 'Completed results with at least one defect of the class.',
        }),
      }),
    ),
    latency_ms: z.object({ p50: z.number().nullable(), p95: z.number().nullable() }),
  })
  .openapi('ExperimentArmFigures');

const ComparisonSchema = z
  .object({
    arm: z.string(),
    against: z.string(),
    metric: z.string().openapi({ example: 'fail_rate' }),
    control: ProportionSchema,
    treatment: ProportionSchema,
    difference: z.number().nullable().openapi({ description: "The arm's rate minus the control's." }),
    difference_interval: IntervalSchema.nullable().openapi({
      description: "Newcombe's hybrid score interval, 95 %.",
    }),
    test: z.enum(['two-proportion z-test', 'fisher exact test']).nullable(),
    z: z.number().nullable(),
    p_value: z.number().nullable(),
    significant: z.boolean(),
    enough_data: z.boolean(),
    conclusion: z.string(),
  })
  .openapi('ExperimentComparison');

const AgreementSchema = z
  .object({
    arm: z.string(),
    against: z.string(),
    images: z.number().int(),
    verdicts_agree: z.number().int(),
    verdict_agreement: ProportionSchema,
    verdict_flips: z.record(z.string(), z.number().int()).openapi({ example: { 'FAIL->PASS': 2 } }),
    flip_examples: z.record(z.string(), z.array(z.uuid())).openapi({
      description:
        'Ids of answered results (GET /inference/{id}) whose verdict the shadow arm would have flipped.',
    }),
    defects: z.object({
      matched: z.number().int(),
      only_control: z.number().int(),
      only_shadow: z.number().int(),
      by_class: z.array(
        z.object({
          defect_type: z.string(),
          matched: z.number().int(),
          only_control: z.number().int(),
          only_shadow: z.number().int(),
        }),
      ),
    }),
    fail_flip_test: z.object({
      control_only: z.number().int(),
      shadow_only: z.number().int(),
      p_value: z.number(),
      significant: z.boolean(),
      conclusion: z.string(),
    }),
    truncated: z.boolean(),
  })
  .openapi('ExperimentAgreement');

const ExperimentSummarySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string().nullable(),
    model: z.string(),
    mode: z.enum(['split', 'shadow']),
    unit: z.enum(['lot_id', 'wafer_id', 'request']),
    status: z.enum(['running', 'stopped']),
    match_iou: z.number(),
    arms: z.array(ArmSchema),
    created_at: z.iso.datetime(),
    created_by_key_id: z.string().nullable(),
    stopped_at: z.iso.datetime().nullable(),
    stop_reason: z.string().nullable(),
    promoted_arm: z.string().nullable(),
  })
  .openapi('ExperimentSummary');

export const ExperimentSchema = ExperimentSummarySchema.extend({
  figures: z.object({
    arms: z.array(ArmFiguresSchema),
    comparisons: z.array(ComparisonSchema).openapi({
      description:
        'Each arm against the control, per metric. In shadow mode the arms saw the same images: see `agreement` for the paired view.',
    }),
    agreement: z
      .array(AgreementSchema)
      .openapi({ description: 'Shadow mode only: each shadow arm against the answer.' }),
  }),
}).openapi('Experiment');

export const ExperimentListSchema = z
  .object({ experiments: z.array(ExperimentSummarySchema) })
  .openapi('ExperimentList');

export const ExperimentListQuerySchema = z.object({
  model: modelName.optional(),
  status: z.enum(['running', 'stopped']).optional(),
});

export const StopExperimentSchema = z
  .object({
    reason: z.string().min(1).max(2000).openapi({ example: 'v1 wins on recall over 40 wafers' }),
    promote: armName.optional().openapi({
      description:
        'An arm whose version becomes the default (a promotion, through the golden-set gate; when refused the experiment keeps running).',
    }),
    force: z
      .boolean()
      .optional()
      .openapi({ description: 'Promote past a failing golden-set gate; recorded with the reason.' }),
  })
  .strict()
  .openapi('StopExperimentRequest');

export const StoppedExperimentSchema = z
  .object({
    experiment: ExperimentSchema,
    // The promotion of the winner, when one was asked for.
    promotion: z.union([DefaultChangeSchema, z.null()]),
  })
  .openapi('StoppedExperiment');

export type ExperimentView = z.infer<typeof ExperimentSchema>;
export type ExperimentSummaryView = z.infer<typeof ExperimentSummarySchema>;
