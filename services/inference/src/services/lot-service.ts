/**
 * Lots and wafers for yield engineers: a page of lots, a lot's summary (wafers, verdict mix,
 * yield, defects per class, models), a wafer's dies, and the wafer as a map (SVG, SEMI G85) or
 * as KLARF for the fab's defect tools.
 */
import { ChipqError } from '@chipq/core';
import { type KlarfDie, writeKlarf } from '@chipq/core/fab';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { MapDie } from '../fab/die-grid.js';
import type { PixelScales } from '../fab/pixel-scale.js';
import { waferMapG85 } from '../fab/wafer-map-g85.js';
import { waferMapSvg } from '../fab/wafer-map-svg.js';
import {
  type DieCounts,
  defectsByClass,
  dieCountsByWafer,
  type LotKey,
  listLots,
  modelsUsed,
  resultCountsByWafer,
  unplacedResults,
  waferDefects,
  waferDies,
} from '../repositories/lot-repository.js';
import type { LotListQuery, LotListView, LotSummaryView, WaferDetailView } from '../schemas/lot-schemas.js';

function encodeCursor(key: LotKey): string {
  return Buffer.from(JSON.stringify([key.lastAt, key.lotId]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): LotKey {
  try {
    const [lastAt, lotId, ...rest] = JSON.parse(
      Buffer.from(cursor, 'base64url').toString('utf8'),
    ) as unknown[];
    if (
      rest.length === 0 &&
      typeof lastAt === 'string' &&
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(lastAt) &&
      typeof lotId === 'string'
    )
      return { lastAt, lotId };
  } catch {
    // Falls through to the error below.
  }
  throw new ChipqError('INVALID_INPUT', 'cursor is not one returned as page.next_cursor', {
    details: {
      errors: [{ field: 'cursor', in: 'query', message: 'unknown cursor', code: 'invalid_string' }],
    },
  });
}

type Counts = Omit<DieCounts, 'dies'> & { dies: number };

function sumCounts(rows: DieCounts[]): Counts {
  const total = { dies: 0, pass: 0, fail: 0, review: 0, no_verdict: 0, defects: 0 };
  for (const r of rows) {
    total.dies += r.dies;
    total.pass += r.pass;
    total.fail += r.fail;
    total.review += r.review;
    total.no_verdict += r.no_verdict;
    total.defects += r.defects;
  }
  return total;
}

function dieFigures(c: Counts) {
  const withVerdict = c.pass + c.fail + c.review;
  return {
    dies_inspected: c.dies,
    verdicts: { pass: c.pass, fail: c.fail, review: c.review, no_verdict: c.no_verdict },
    yield: withVerdict === 0 ? null : c.pass / withVerdict,
    defects: c.defects,
  };
}

interface ResultCounts {
  results: number;
  failed_results?: number;
  unplaced: number;
  first_at: Date;
  last_at: Date;
}

function resultFigures(r: ResultCounts, failed: number) {
  return {
    results: r.results,
    failed_results: failed,
    unplaced_results: r.unplaced,
    first_inspected_at: r.first_at.toISOString(),
    last_inspected_at: r.last_at.toISOString(),
  };
}

export function createLotService(options: { db: Kysely<Database>; scales: PixelScales }) {
  const { db } = options;

  async function list(query: LotListQuery): Promise<LotListView> {
    const rows = await listLots(
      db,
      {
        stationId: query.station_id,
        model: query.model,
        from: query.from === undefined ? undefined : new Date(query.from),
        to: query.to === undefined ? undefined : new Date(query.to),
      },
      { limit: query.limit + 1, after: query.cursor === undefined ? undefined : decodeCursor(query.cursor) },
    );
    const page = rows.slice(0, query.limit);
    const counts = await dieCountsByWafer(
      db,
      page.map((r) => r.lot_id),
    );
    const last = page.at(-1);
    return {
      items: page.map((lot) => {
        const waferRows = counts.filter((c) => c.lot_id === lot.lot_id);
        return {
          lot_id: lot.lot_id,
          wafers: waferRows.filter((w) => w.wafer_id !== null).length,
          ...dieFigures(sumCounts(waferRows)),
          results: lot.results,
          failed_results: lot.failed_results,
          unplaced_results: lot.unplaced_results,
          first_inspected_at: lot.first_at.toISOString(),
          last_inspected_at: lot.last_at.toISOString(),
        };
      }),
      page: {
        limit: query.limit,
        next_cursor:
          rows.length > query.limit && last !== undefined
            ? encodeCursor({ lastAt: last.key_last_at, lotId: last.lot_id })
            : null,
      },
    };
  }

  async function lot(lotId: string): Promise<LotSummaryView | undefined> {
    const results = await resultCountsByWafer(db, lotId);
    if (results.length === 0) return undefined;
    const [counts, classes, models, failed] = await Promise.all([
      dieCountsByWafer(db, [lotId]),
      defectsByClass(db, lotId),
      modelsUsed(db, lotId),
      failedByWafer(lotId),
    ]);
    const total = {
      results: results.reduce((n, r) => n + r.results, 0),
      unplaced: results.reduce((n, r) => n + r.unplaced, 0),
      first_at: new Date(Math.min(...results.map((r) => r.first_at.getTime()))),
      last_at: new Date(Math.max(...results.map((r) => r.last_at.getTime()))),
    };
    return {
      lot_id: lotId,
      ...dieFigures(sumCounts(counts)),
      ...resultFigures(
        total,
        [...failed.values()].reduce((n, f) => n + f, 0),
      ),
      wafers: results
        .filter((r): r is typeof r & { wafer_id: string } => r.wafer_id !== null)
        .map((r) => ({
          wafer_id: r.wafer_id,
          ...dieFigures(sumCounts(counts.filter((c) => c.wafer_id === r.wafer_id))),
          ...resultFigures(r, failed.get(r.wafer_id) ?? 0),
        })),
      defects_by_class: classes,
      models: models.map((m) => ({ name: m.model_name, version: m.model_version, results: m.results })),
    };
  }

  async function failedByWafer(lotId: string, waferId?: string): Promise<Map<string | null, number>> {
    let query = db
      .selectFrom('inferences')
      .select(['wafer_id', (eb) => eb.fn.countAll<string>().as('n')])
      .where('lot_id', '=', lotId)
      .where('status', '<>', 'completed');
    if (waferId !== undefined) query = query.where('wafer_id', '=', waferId);
    const rows = await query.groupBy('wafer_id').execute();
    return new Map(rows.map((r) => [r.wafer_id, Number(r.n)]));
  }

  async function wafer(lotId: string, waferId: string): Promise<WaferDetailView | undefined> {
    const results = (await resultCountsByWafer(db, lotId)).find((r) => r.wafer_id === waferId);
    if (results === undefined) return undefined;
    const [dies, counts, classes, unplaced, failed] = await Promise.all([
      waferDies(db, lotId, waferId),
      dieCountsByWafer(db, [lotId]),
      defectsByClass(db, lotId, waferId),
      unplacedResults(db, lotId, waferId),
      failedByWafer(lotId, waferId),
    ]);
    return {
      lot_id: lotId,
      wafer_id: waferId,
      ...dieFigures(sumCounts(counts.filter((c) => c.wafer_id === waferId))),
      ...resultFigures(results, failed.get(waferId) ?? 0),
      defects_by_class: classes,
      dies: dies.map((d) => ({
        die_x: d.die_x,
        die_y: d.die_y,
        verdict: d.verdict,
        defect_count: d.defect_count,
        latest_result_id: d.latest_result_id,
        result_ids: d.result_ids,
        inspected_at: new Date(d.inspected_at).toISOString(),
      })),
      unplaced_result_ids: unplaced,
    };
  }

  async function mapDies(
    lotId: string,
    waferId: string,
  ): Promise<{ dies: MapDie[]; last: Date } | undefined> {
    const detail = await wafer(lotId, waferId);
    if (detail === undefined) return undefined;
    return {
      dies: detail.dies.map((d) => ({
        x: d.die_x,
        y: d.die_y,
        state: d.verdict ?? 'NONE',
        defects: d.defect_count,
      })),
      last: new Date(detail.last_inspected_at),
    };
  }

  async function svg(lotId: string, waferId: string): Promise<string | undefined> {
    const found = await mapDies(lotId, waferId);
    return found && waferMapSvg({ lotId, waferId, dies: found.dies });
  }

  async function g85(lotId: string, waferId: string): Promise<string | undefined> {
    const found = await mapDies(lotId, waferId);
    return found && waferMapG85({ lotId, waferId, dies: found.dies, createdAt: found.last });
  }

  /** KLARF 1.8 of the wafer; undefined for an unknown wafer. */
  async function klarf(lotId: string, waferId: string): Promise<string | undefined> {
    const rows = await waferDefects(db, lotId, waferId);
    if (rows.length === 0) {
      const known = (await resultCountsByWafer(db, lotId)).some((r) => r.wafer_id === waferId);
      if (!known) return undefined;
    }
    const dies = new Map<string, KlarfDie>();
    for (const row of rows) {
      let die = dies.get(row.inference_id);
      if (die === undefined) {
        const scale = await options.scales.scaleFor(row.station_id, row.model_name);
        die = {
          lotId,
          waferId,
          dieX: row.die_x,
          dieY: row.die_y,
          stationId: row.station_id,
          recipe: `${row.model_name}@${row.model_version}`,
          inspectedAt: row.created_at,
          imageWidth: row.image_width ?? 0,
          imageHeight: row.image_height ?? 0,
          pixelSizeUm: scale.pixelSizeUm,
          dieOriginPx: scale.originPx,
          resultId: row.inference_id,
          detections: [],
        };
        dies.set(row.inference_id, die);
      }
      if (row.class_id === null || row.x === null || row.y === null) continue;
      die.detections.push({
        classId: row.class_id,
        className: row.defect_type ?? `class_${row.class_id}`,
        confidence: row.confidence ?? 0,
        x: row.x,
        y: row.y,
        width: row.width ?? 0,
        height: row.height ?? 0,
      });
    }
    // A wafer whose every die failed inspection has no die to write: an empty lot record.
    if (dies.size === 0) return writeKlarf([]);
    return writeKlarf([...dies.values()]);
  }

  return { list, lot, wafer, svg, g85, klarf };
}

export type LotService = ReturnType<typeof createLotService>;
