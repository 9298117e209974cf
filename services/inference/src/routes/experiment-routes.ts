/** /experiments: create, list, read (with per-arm figures and statistics), stop. */
import { createRoute, OpenAPIHono, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ExperimentService } from '../experiments/experiment-service.js';
import { experimentSummaryView, experimentView } from '../experiments/experiment-views.js';
import type { AppEnv } from '../http/app-env.js';
import { validationHook } from '../http/validation-hook.js';
import { IdParamsSchema } from '../schemas/common-schemas.js';
import {
  CreateExperimentSchema,
  ExperimentListQuerySchema,
  ExperimentListSchema,
  ExperimentSchema,
  StopExperimentSchema,
  StoppedExperimentSchema,
} from '../schemas/experiment-schemas.js';
import { problemResponses } from '../schemas/problem-schema.js';
import { defaultChangeView } from '../services/model-views.js';
import { secured } from './secured.js';

const tags = ['experiments'];
const json = <T>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const createExperimentRoute = createRoute(
  secured('admin', {
    method: 'post',
    path: '/experiments',
    operationId: 'createExperiment',
    tags,
    summary: 'Start an experiment',
    description:
      'Starts comparing two or more versions (arms) of one model on live traffic, from the next request on every replica. ' +
      'Only requests that name no version take part; every result records the experiment and arm that served it. ' +
      "Every arm's version must be on disk and READY; one experiment runs per model at a time (409 otherwise).",
    request: {
      body: { required: true, content: { 'application/json': { schema: CreateExperimentSchema } } },
    },
    responses: {
      201: json(ExperimentSchema, 'The experiment, running (no figures yet). `Location` is its URL.'),
      ...problemResponses(400, 404, 409, 422),
    },
  }),
);

const listExperimentsRoute = createRoute(
  secured('read', {
    method: 'get',
    path: '/experiments',
    operationId: 'listExperiments',
    tags,
    summary: 'List experiments',
    description: 'Newest first, at most 50; filter by model and status.',
    request: { query: ExperimentListQuerySchema },
    responses: { 200: json(ExperimentListSchema, 'The experiments.'), ...problemResponses(400) },
  }),
);

const getExperimentRoute = createRoute(
  secured('read', {
    method: 'get',
    path: '/experiments/{id}',
    operationId: 'getExperiment',
    tags,
    summary: 'Read an experiment and its figures',
    description:
      'Per arm: requests, units, error rate, verdict mix, defect rate per class (each with a 95 % Wilson interval), latency p50/p95. ' +
      'Every arm against the control: the difference with a 95 % Newcombe interval and a two-sided test (two-proportion z-test, ' +
      "or Fisher's exact test when an expected count is below 5); below 30 units per arm it says there is not enough data. " +
      'In shadow mode also the agreement of each shadow arm with the answer on the same images: verdict flips with example ids, ' +
      "defects matched by class and IoU, and McNemar's exact test on FAIL decisions.",
    request: { params: IdParamsSchema },
    responses: { 200: json(ExperimentSchema, 'The experiment.'), ...problemResponses(400, 404) },
  }),
);

const stopExperimentRoute = createRoute(
  secured('admin', {
    method: 'post',
    path: '/experiments/{id}/stop',
    operationId: 'stopExperiment',
    tags,
    summary: 'Stop an experiment (and promote the winner)',
    description:
      "Stops routing by the experiment from the next request; its results and figures stay. With `promote`, that arm's version " +
      'first becomes the default through the same golden-set gate as POST /models/{name}/promote: when the gate refuses (409) the ' +
      'experiment keeps running.',
    request: {
      params: IdParamsSchema,
      body: { required: true, content: { 'application/json': { schema: StopExperimentSchema } } },
    },
    responses: {
      200: json(StoppedExperimentSchema, 'The stopped experiment, and the promotion when one was asked for.'),
      ...problemResponses(400, 404, 409, 422),
    },
  }),
);

const audit = (c: Context<AppEnv>) => ({ requestId: c.get('requestId'), apiKeyId: c.get('caller').keyId });

export function experimentRoutes(deps: { experiments: ExperimentService }): OpenAPIHono<AppEnv> {
  const { experiments } = deps;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(createExperimentRoute, async (c) => {
    const body = c.req.valid('json');
    const created = await experiments.create(
      {
        name: body.name,
        description: body.description,
        model: body.model,
        mode: body.mode,
        unit: body.unit,
        arms: body.arms,
        matchIou: body.match_iou,
      },
      audit(c),
    );
    const { experiment, figures } = await experiments.get(created.id);
    c.header('Location', `/api/v1/experiments/${created.id}`);
    return c.json(experimentView(experiment, figures), 201);
  });
  app.openapi(listExperimentsRoute, async (c) => {
    const rows = await experiments.list(c.req.valid('query'));
    return c.json({ experiments: rows.map(experimentSummaryView) }, 200);
  });
  app.openapi(getExperimentRoute, async (c) => {
    const { experiment, figures } = await experiments.get(c.req.valid('param').id);
    return c.json(experimentView(experiment, figures), 200);
  });
  app.openapi(stopExperimentRoute, async (c) => {
    const body = c.req.valid('json');
    const stopped = await experiments.stop(c.req.valid('param').id, body, audit(c));
    const view: z.infer<typeof StoppedExperimentSchema> = {
      experiment: experimentView(stopped.experiment, stopped.figures),
      promotion: stopped.promotion === undefined ? null : defaultChangeView(stopped.promotion),
    };
    return c.json(view, 200);
  });
  return app;
}
