/** Schemas of the /models endpoints: repository entries joined with the engine's state. */
import { z } from '@hono/zod-openapi';
import { modelName, modelVersion, uploadedFile } from './common-schemas.js';

export const modelStates = ['READY', 'UNAVAILABLE', 'LOADING', 'UNLOADING'] as const;

const TensorSchema = z
  .object({
    name: z.string().openapi({ example: 'image' }),
    data_type: z.string().openapi({ example: 'UINT8' }),
    dims: z.array(z.number().int()).openapi({
      description: 'Without the batch dimension when max_batch_size > 0; -1 is variable.',
      example: [1, 640, 640],
    }),
    format: z.string().openapi({ example: 'NCHW' }),
  })
  .openapi('Tensor');

export const ModelVersionSchema = z
  .object({
    version: z.string().openapi({ example: '2' }),
    state: z.enum(modelStates),
    ready: z.boolean(),
    reason: z.string().openapi({ description: 'Why the version is not ready (empty when ready).' }),
  })
  .openapi('ModelVersion');

const ModelSummarySchema = z
  .object({
    name: z.string().openapi({ example: 'pcb_defect_detector' }),
    platform: z.string().openapi({ example: 'onnxruntime_onnx' }),
    max_batch_size: z.number().int(),
    state: z.enum(modelStates).openapi({ description: 'READY when any version is ready.' }),
    ready: z.boolean(),
    reason: z.string(),
    versions: z.array(ModelVersionSchema),
    default_version: z.string().nullable().openapi({
      description:
        'The version that serves requests naming none, stored in the database and shared by every replica: seeded from the `chipq.default_version` parameter of config.pbtxt, then changed only by promote and rollback. null when neither sets one: the newest ready version serves.',
      example: '1',
    }),
    inputs: z.array(TensorSchema),
    outputs: z.array(TensorSchema),
    labels: z.array(z.string()).nullable(),
    decoder: z.string().nullable().openapi({ description: 'The `chipq.decoder` parameter, when set.' }),
    dynamic_batching: z
      .object({
        preferred_batch_size: z.array(z.number().int()),
        max_queue_delay_microseconds: z.number().int(),
      })
      .nullable(),
    instance_count: z.number().int(),
  })
  .openapi('ModelSummary');

const DeploymentEventSchema = z
  .object({
    id: z.uuid(),
    event: z.enum(['deployed', 'deploy_failed', 'loaded', 'load_failed', 'unloaded', 'unload_failed']),
    version: z.string().nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    detail: z.record(z.string(), z.unknown()),
    request_id: z.string().nullable(),
    created_at: z.iso.datetime(),
  })
  .openapi('DeploymentEvent');

export const DefaultChangeSchema = z
  .object({
    id: z.uuid(),
    model: z.string(),
    action: z.enum(['seeded', 'promoted', 'rolled_back']).openapi({
      description: '`seeded`: first read from config.pbtxt; `promoted` and `rolled_back`: by an admin.',
    }),
    from_version: z.string().nullable().openapi({ description: 'The default before the change.' }),
    to_version: z.string(),
    reason: z.string(),
    api_key_id: z
      .string()
      .nullable()
      .openapi({ description: 'Id of the API key that asked (never the secret).' }),
    request_id: z.string().nullable(),
    created_at: z.iso.datetime(),
    forced: z.boolean().openapi({
      description:
        'Promoted with `force` past a failing or unavailable golden-set gate (the reason says why).',
    }),
    gate: z.record(z.string(), z.unknown()).nullable().openapi({
      description:
        "The golden-set gate's report at promotion: `candidate` and `current` scores (recall, precision, verdict_agreement, failing_cases), `policy`, `passed`, `reasons`; `{unavailable}` when forced past a gate that could not run. null for seeds, rollbacks and models without a golden set.",
    }),
  })
  .openapi('DefaultVersionChange');

export const PromoteBodySchema = z
  .object({
    version: modelVersion,
    reason: z
      .string()
      .min(1)
      .max(2000)
      .openapi({ description: 'Why, kept in the history.', example: 'better recall on lot 42' }),
    force: z.boolean().optional().openapi({
      description:
        'Promote even though the golden-set gate refuses (or cannot run); recorded as `forced` with the gate report and the reason.',
    }),
  })
  .openapi('PromoteRequest');

export const RollbackBodySchema = z
  .object({
    reason: z
      .string()
      .min(1)
      .max(2000)
      .openapi({ description: 'Why, kept in the history.', example: 'false alarms on lot 43' }),
  })
  .openapi('RollbackRequest');

export const ModelDetailSchema = ModelSummarySchema.extend({
  candidates: z.array(z.string()).openapi({
    description:
      'Versions on disk that are not the default: they serve nothing until promoted, except as an arm of a running experiment or to a caller that names them (an admin key, or while access is open).',
    example: ['1'],
  }),
  experiment: z
    .object({
      id: z.uuid(),
      mode: z.enum(['split', 'shadow']),
      arms: z.array(
        z.object({
          name: z.string(),
          version: z.string(),
          weight: z.number().int(),
          role: z.enum(['control', 'treatment', 'shadow']),
        }),
      ),
    })
    .nullable()
    .openapi({ description: 'The running experiment on this model (GET /experiments/{id}), if any.' }),
  config: z
    .record(z.string(), z.unknown())
    .openapi({ description: "config.pbtxt in Triton's JSON form (what Triton's repository API returns)." }),
  card: z.string().nullable().openapi({ description: 'README.md of the model folder (the model card).' }),
  deployments: z
    .array(DeploymentEventSchema)
    .openapi({ description: 'The latest deployment, load and unload events, newest first.' }),
  default_changes: z.array(DefaultChangeSchema).openapi({
    description: 'The latest changes of the default version (seed, promotions, rollbacks), newest first.',
  }),
}).openapi('ModelDetail');

export const ModelListSchema = z.object({ models: z.array(ModelSummarySchema) }).openapi('ModelList');

export const ModelVersionsSchema = z
  .object({ name: z.string(), versions: z.array(ModelVersionSchema) })
  .openapi('ModelVersions');

export const ModelStatusSchema = z
  .object({
    name: z.string(),
    state: z.enum(modelStates),
    ready: z.boolean(),
    reason: z.string(),
    versions: z.array(ModelVersionSchema),
  })
  .openapi('ModelStatus');

export const DeployFormSchema = z
  .object({
    model: uploadedFile.openapi({ description: 'The ONNX file (becomes `<name>/<version>/model.onnx`).' }),
    config: uploadedFile.optional().openapi({
      description:
        'config.pbtxt. Required for a new model; for an existing model, replaces its config (the current one is used when absent).',
    }),
    labels: uploadedFile.optional().openapi({
      description:
        "labels.txt (one class name per line), written where the config's `label_filename` points (default labels.txt).",
    }),
    name: modelName,
    version: modelVersion
      .optional()
      .openapi({ description: 'Default: one above the highest version on disk.' }),
    load: z
      .enum(['true', 'false'])
      .optional()
      .openapi({ description: 'Load the model once deployed (default true).' }),
  })
  .openapi('DeployForm');

export const DeployResultSchema = z
  .object({
    name: z.string(),
    version: z.string(),
    // A union, not .nullable(): see BatchItem.result in batch-schemas.ts.
    status: z.union([ModelStatusSchema, z.null()]).openapi({ description: 'Null when `load=false`.' }),
    deployment: DeploymentEventSchema,
  })
  .openapi('DeployResult');

export type ModelSummary = z.infer<typeof ModelSummarySchema>;
export type ModelDetail = z.infer<typeof ModelDetailSchema>;
export type ModelVersionView = z.infer<typeof ModelVersionSchema>;
export type ModelStatusView = z.infer<typeof ModelStatusSchema>;
export type DeploymentEventView = z.infer<typeof DeploymentEventSchema>;
export type DefaultChangeView = z.infer<typeof DefaultChangeSchema>;
