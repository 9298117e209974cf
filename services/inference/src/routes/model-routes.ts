/** /models: list, inspect, version states, deploy, load and unload. */
import { ChipqError } from '@chipq/core';
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../http/app-env.js';
import { fileBytes } from '../http/read-predict-input.js';
import { validationHook } from '../http/validation-hook.js';
import { NameParamsSchema } from '../schemas/common-schemas.js';
import {
  DefaultChangeSchema,
  DeployFormSchema,
  DeployResultSchema,
  ModelDetailSchema,
  ModelListSchema,
  ModelStatusSchema,
  ModelVersionsSchema,
  PromoteBodySchema,
  RollbackBodySchema,
} from '../schemas/model-schemas.js';
import { problemResponses } from '../schemas/problem-schema.js';
import type { DefaultVersionService } from '../services/default-version-service.js';
import type { ModelCatalog } from '../services/model-catalog.js';
import type { ModelDeployer } from '../services/model-deployer.js';
import { defaultChangeView } from '../services/model-views.js';
import { secured } from './secured.js';

const tags = ['models'];
const json = <T>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const listRoute = createRoute(
  secured('read', {
    method: 'get',
    path: '/models',
    operationId: 'listModels',
    tags,
    summary: 'List models',
    description:
      'Every model in MODEL_REPOSITORY with its config summary and the engine state of each version. A folder whose config cannot be read is listed as UNAVAILABLE with the reason.',
    responses: { 200: json(ModelListSchema, 'The models, by name.'), ...problemResponses(500, 503) },
  }),
);

const getRoute = createRoute(
  secured('read', {
    method: 'get',
    path: '/models/{name}',
    operationId: 'getModel',
    tags,
    summary: 'Describe a model',
    request: { params: NameParamsSchema },
    responses: {
      200: json(ModelDetailSchema, 'The model, its config, card and recent deployment events.'),
      ...problemResponses(400, 404, 422),
    },
  }),
);

const versionsRoute = createRoute(
  secured('read', {
    method: 'get',
    path: '/models/{name}/versions',
    operationId: 'getModelVersions',
    tags,
    summary: 'List versions',
    request: { params: NameParamsSchema },
    responses: {
      200: json(ModelVersionsSchema, 'Versions on disk or known to the engine, with their states.'),
      ...problemResponses(400, 404, 422),
    },
  }),
);

const statusRoute = createRoute(
  secured('read', {
    method: 'get',
    path: '/models/{name}/status',
    operationId: 'getModelStatus',
    tags,
    summary: 'Model state',
    request: { params: NameParamsSchema },
    responses: {
      200: json(ModelStatusSchema, 'READY when any version is ready.'),
      ...problemResponses(400, 404, 422),
    },
  }),
);

const loadRoute = createRoute(
  secured('admin', {
    method: 'post',
    path: '/models/{name}/load',
    operationId: 'loadModel',
    tags,
    summary: 'Load (or reload) a model',
    description:
      "Loads every version the model's version_policy selects (Triton's explicit model control). A failed reload keeps the versions already loaded. Recorded as a deployment event.",
    request: { params: NameParamsSchema },
    responses: {
      200: json(ModelStatusSchema, 'The state after loading.'),
      ...problemResponses(400, 404, 422, 503),
    },
  }),
);

const unloadRoute = createRoute(
  secured('admin', {
    method: 'post',
    path: '/models/{name}/unload',
    operationId: 'unloadModel',
    tags,
    summary: 'Unload a model',
    description:
      'Unloads every version; requests already queued finish first. Recorded as a deployment event.',
    request: { params: NameParamsSchema },
    responses: {
      200: json(ModelStatusSchema, 'The state after unloading.'),
      ...problemResponses(400, 404, 503),
    },
  }),
);

const deployRoute = createRoute(
  secured('admin', {
    method: 'post',
    path: '/models/deploy',
    operationId: 'deployModel',
    tags,
    summary: 'Deploy a model version',
    description:
      'Uploads an ONNX file (and config.pbtxt, required for a new model). It is staged, its config parsed, loaded in a temporary ONNX Runtime ' +
      'session and run once on zero inputs shaped by the config (output shapes compared with the config) before it is moved atomically ' +
      'into MODEL_REPOSITORY/<name>/<version>/ and loaded. On any failure nothing stays in the repository. Against Triton the same folder ' +
      '(shared storage) is used and the load goes through its repository API.',
    request: { body: { required: true, content: { 'multipart/form-data': { schema: DeployFormSchema } } } },
    responses: {
      201: json(DeployResultSchema, 'Deployed (and loaded unless `load=false`).'),
      ...problemResponses(400, 409, 413, 415, 422, 503),
    },
  }),
);

const promoteRoute = createRoute(
  secured('admin', {
    method: 'post',
    path: '/models/{name}/promote',
    operationId: 'promoteModel',
    tags,
    summary: 'Make a version the default',
    description:
      'Makes `version` the version that serves requests naming none, on every replica from the next request (the default is stored in the ' +
      'database, not in the process). The version must be in the repository and READY on the replica that answers; the other replicas ' +
      'share the repository, and one that has not loaded the version yet (deployed through another replica) loads the model on its ' +
      'first request for it rather than serving another version. When the model ships a golden set (`<model>/golden/manifest.json`), the candidate and the current ' +
      "default run on it first, and the promotion is refused with 409 (`details.failing_cases`, `details.gate`) when the candidate's " +
      "recall, precision or verdict agreement is below the policy or more than `max_drop` below the default's; `force: true` goes past " +
      'the gate, recorded. The switch and its history row (who, when, why, from, to, gate report) are one transaction; ' +
      '`GET /models/{name}` shows the default, the candidates and the history.',
    request: {
      params: NameParamsSchema,
      body: { required: true, content: { 'application/json': { schema: PromoteBodySchema } } },
    },
    responses: {
      200: json(DefaultChangeSchema, 'The change, as recorded.'),
      ...problemResponses(400, 404, 409, 422),
    },
  }),
);

const rollbackRoute = createRoute(
  secured('admin', {
    method: 'post',
    path: '/models/{name}/rollback',
    operationId: 'rollbackModel',
    tags,
    summary: 'Restore the previous default version',
    description:
      'Restores the default that the latest promotion not yet rolled back replaced (repeated rollbacks walk back through the promotions). ' +
      'Atomic and recorded like a promotion; no golden-set gate (the version being restored was the default before). 409 when there is ' +
      'nothing to roll back to or that version is not READY.',
    request: {
      params: NameParamsSchema,
      body: { required: true, content: { 'application/json': { schema: RollbackBodySchema } } },
    },
    responses: {
      200: json(DefaultChangeSchema, 'The change, as recorded.'),
      ...problemResponses(400, 404, 409, 422),
    },
  }),
);

/** Who asked, as stored with the deployment events. */
const audit = (c: Context<AppEnv>) => ({ requestId: c.get('requestId'), apiKeyId: c.get('caller').keyId });

export function modelRoutes(deps: {
  catalog: ModelCatalog;
  defaults: DefaultVersionService;
  deployer: ModelDeployer;
  maxModelBytes: number;
}): OpenAPIHono<AppEnv> {
  const { catalog, deployer } = deps;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use(
    '/models/deploy',
    bodyLimit({
      maxSize: deps.maxModelBytes,
      onError: () => {
        throw new ChipqError(
          'PAYLOAD_TOO_LARGE',
          `model upload above ${deps.maxModelBytes} bytes (MODEL_UPLOAD_MAX_SIZE)`,
          { details: { limit: deps.maxModelBytes } },
        );
      },
    }),
  );
  app.openapi(listRoute, async (c) => c.json({ models: await catalog.list() }, 200));
  app.openapi(getRoute, async (c) => c.json(await catalog.get(c.req.valid('param').name), 200));
  app.openapi(versionsRoute, async (c) => c.json(await catalog.versions(c.req.valid('param').name), 200));
  app.openapi(statusRoute, async (c) => c.json(await catalog.status(c.req.valid('param').name), 200));
  app.openapi(loadRoute, async (c) => c.json(await catalog.load(c.req.valid('param').name, audit(c)), 200));
  app.openapi(unloadRoute, async (c) =>
    c.json(await catalog.unload(c.req.valid('param').name, audit(c)), 200),
  );
  app.openapi(promoteRoute, async (c) => {
    const { version, reason, force } = c.req.valid('json');
    const change = await deps.defaults.promote(c.req.valid('param').name, version, reason, audit(c), {
      force,
    });
    return c.json(defaultChangeView(change), 200);
  });
  app.openapi(rollbackRoute, async (c) => {
    const change = await deps.defaults.rollback(
      c.req.valid('param').name,
      c.req.valid('json').reason,
      audit(c),
    );
    return c.json(defaultChangeView(change), 200);
  });
  app.openapi(deployRoute, async (c) => {
    const form = c.req.valid('form');
    const result = await deployer.deploy({
      name: form.name,
      version: form.version,
      onnx: await fileBytes(form.model),
      configText: form.config === undefined ? undefined : await form.config.text(),
      labelsText: form.labels === undefined ? undefined : await form.labels.text(),
      load: form.load !== 'false',
      requestId: c.get('requestId'),
      apiKeyId: c.get('caller').keyId,
    });
    return c.json(result, 201);
  });
  return app;
}
