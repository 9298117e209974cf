/**
 * GET /lots, /lots/{lot_id}, /lots/{lot_id}/wafers/{wafer_id} and the wafer's exports: the map
 * as SVG and SEMI G85, and its defects as KLARF 1.8. Read scope.
 */
import { ChipqError } from '@chipq/core';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../http/app-env.js';
import { validationHook } from '../http/validation-hook.js';
import {
  LotListQuerySchema,
  LotListSchema,
  LotParamsSchema,
  LotSummarySchema,
  WaferDetailSchema,
  WaferParamsSchema,
} from '../schemas/lot-schemas.js';
import { problemResponses } from '../schemas/problem-schema.js';
import type { LotService } from '../services/lot-service.js';
import { secured } from './secured.js';

const dieRule =
  'A die is (wafer_id, die_x, die_y); a die inspected more than once counts once, with its latest completed result ' +
  '(or, when none completed, as a die without a verdict). Results without die_x/die_y are counted as unplaced.';

const listRoute = createRoute(
  secured('read', {
    method: 'get',
    path: '/lots',
    operationId: 'listLots',
    tags: ['lots'],
    summary: 'List lots',
    description: `Lots with stored results, most recently inspected first, with their die figures. ${dieRule} Page with \`cursor\` = \`page.next_cursor\` and the same filters.`,
    request: { query: LotListQuerySchema },
    responses: {
      200: { description: 'One page of lots.', content: { 'application/json': { schema: LotListSchema } } },
      ...problemResponses(400),
    },
  }),
);

const lotRoute = createRoute(
  secured('read', {
    method: 'get',
    path: '/lots/{lot_id}',
    operationId: 'getLot',
    tags: ['lots'],
    summary: 'A lot: wafers, verdict mix, yield, defects per class, models',
    description: `${dieRule} Yield is PASS dies over dies with a verdict.`,
    request: { params: LotParamsSchema },
    responses: {
      200: { description: 'The lot.', content: { 'application/json': { schema: LotSummarySchema } } },
      ...problemResponses(400, 404),
    },
  }),
);

const waferRoute = createRoute(
  secured('read', {
    method: 'get',
    path: '/lots/{lot_id}/wafers/{wafer_id}',
    operationId: 'getWafer',
    tags: ['lots'],
    summary: 'A wafer: every die with its verdict, defect count and results',
    description: dieRule,
    request: { params: WaferParamsSchema },
    responses: {
      200: { description: 'The wafer.', content: { 'application/json': { schema: WaferDetailSchema } } },
      ...problemResponses(400, 404),
    },
  }),
);

const text = (description: string) => z.string().openapi({ description });

const svgRoute = createRoute(
  secured('read', {
    method: 'get',
    path: '/lots/{lot_id}/wafers/{wafer_id}/wafer-map.svg',
    operationId: 'getWaferMapSvg',
    tags: ['lots'],
    summary: 'The wafer map as SVG',
    description:
      'One square per die coloured by its verdict (PASS green, FAIL red, REVIEW amber, no verdict grey), the wafer outline and a legend with counts; ' +
      'role="img" with a <title> and <desc>, and a <title> per die. Rows run from the highest die_y at the top, columns from the lowest die_x at the left. ' +
      '409 CONFLICT when the dies span more than 1,048,576 cells (die coordinates far apart).',
    request: { params: WaferParamsSchema },
    responses: {
      200: { description: 'The map.', content: { 'image/svg+xml': { schema: text('SVG document') } } },
      ...problemResponses(400, 404, 409),
    },
  }),
);

const g85Route = createRoute(
  secured('read', {
    method: 'get',
    path: '/lots/{lot_id}/wafers/{wafer_id}/wafer-map.g85',
    operationId: 'getWaferMapG85',
    tags: ['lots'],
    summary: 'The wafer map as SEMI G85 XML',
    description:
      'Decimal bin codes per die from its verdict: 1 PASS (BinQuality Pass), 2 FAIL, 3 REVIEW, 4 no verdict (all Fail); 255 (NullBin) where no die was inspected. ' +
      "The first Row is the highest die_y and the first column the lowest die_x; ReferenceDevice gives that die's coordinates. " +
      '409 CONFLICT when the dies span more than 1,048,576 cells (die coordinates far apart).',
    request: { params: WaferParamsSchema },
    responses: {
      200: { description: 'The map.', content: { 'application/xml': { schema: text('SEMI G85 XML') } } },
      ...problemResponses(400, 404, 409),
    },
  }),
);

const klarfRoute = createRoute(
  secured('read', {
    method: 'get',
    path: '/lots/{lot_id}/wafers/{wafer_id}/klarf',
    operationId: 'getWaferKlarf',
    tags: ['lots'],
    summary: "The wafer's defects as KLARF 1.8",
    description:
      "One defect row per detection of each die's latest completed result: DEFECTID, XREL/YREL (micrometres from the die origin to the defect centre, y up), " +
      "XINDEX/YINDEX (die_x/die_y), XSIZE/YSIZE/DEFECTAREA/DSIZE (micrometres; DSIZE the larger side), CLASSNUMBER (class_id + 1; 0 is KLARF's unclassified) " +
      'with a ClassLookupList, TEST, CONFIDENCE and RESULTID (the stored result). The station and model are InspectionStationID and RecipeID. ' +
      "Micrometres per pixel come from STATION_PIXEL_SIZES for the result's station, else the model's chipq.pixel_size_um parameter (config.pbtxt); " +
      "the die origin is the image's lower-left corner unless the model's chipq.die_origin_px says where it lies. 409 CONFLICT when neither gives a pixel size.",
    request: { params: WaferParamsSchema },
    responses: {
      200: {
        description: 'The KLARF file (attachment).',
        content: { 'application/x-klarf': { schema: text('KLARF 1.8') } },
      },
      ...problemResponses(400, 404, 409),
    },
  }),
);

function notFound(what: string): never {
  throw new ChipqError('NOT_FOUND', `no results stored for ${what}`);
}

function fileName(lot: string, wafer: string, ext: string): string {
  return `${`${lot}_${wafer}`.replace(/[^A-Za-z0-9._-]/g, '_')}.${ext}`;
}

export function lotRoutes(deps: { lots: LotService }): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const { lots } = deps;
  app.openapi(listRoute, async (c) => c.json(await lots.list(c.req.valid('query')), 200));
  app.openapi(lotRoute, async (c) => {
    const { lot_id } = c.req.valid('param');
    return c.json((await lots.lot(lot_id)) ?? notFound(`lot ${lot_id}`), 200);
  });
  app.openapi(waferRoute, async (c) => {
    const { lot_id, wafer_id } = c.req.valid('param');
    return c.json(
      (await lots.wafer(lot_id, wafer_id)) ?? notFound(`wafer ${wafer_id} of lot ${lot_id}`),
      200,
    );
  });
  app.openapi(svgRoute, async (c) => {
    const { lot_id, wafer_id } = c.req.valid('param');
    const svg = (await lots.svg(lot_id, wafer_id)) ?? notFound(`wafer ${wafer_id} of lot ${lot_id}`);
    return c.body(svg, 200, { 'content-type': 'image/svg+xml; charset=utf-8' });
  });
  app.openapi(g85Route, async (c) => {
    const { lot_id, wafer_id } = c.req.valid('param');
    const xml = (await lots.g85(lot_id, wafer_id)) ?? notFound(`wafer ${wafer_id} of lot ${lot_id}`);
    return c.body(xml, 200, {
      'content-type': 'application/xml; charset=utf-8',
      'content-disposition': `attachment; filename="${fileName(lot_id, wafer_id, 'g85.xml')}"`,
    });
  });
  app.openapi(klarfRoute, async (c) => {
    const { lot_id, wafer_id } = c.req.valid('param');
    const klarf = (await lots.klarf(lot_id, wafer_id)) ?? notFound(`wafer ${wafer_id} of lot ${lot_id}`);
    return c.body(klarf, 200, {
      'content-type': 'application/x-klarf; charset=utf-8',
      'content-disposition': `attachment; filename="${fileName(lot_id, wafer_id, 'klarf')}"`,
    });
  });
  return app;
}
