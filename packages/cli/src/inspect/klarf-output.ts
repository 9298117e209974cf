/**
 * `--klarf out.klarf`: the inspected dies of a manifest as one KLARF 1.8 file (core's writer,
 * the same one the service's /lots/.../klarf uses). Die indices come from the manifest, which
 * must name lot_id, wafer_id, die_x and die_y on every row; micrometres per pixel come from
 * `--pixel-size` or, on the embedded engine, the model's `chipq.pixel_size_um` parameter.
 */
import { writeFile } from 'node:fs/promises';
import { type KlarfDie, writeKlarf } from '@chipq/core/fab';
import { readModelEntry } from '@chipq/core/model-repository';
import { usageError } from '../exit-codes.js';
import type { InspectItem } from './inspect-item.js';
import type { InspectRecord } from './inspect-record.js';

/** Refuses, before anything is inspected, a manifest row without its die's place. */
export function checkKlarfItems(items: readonly InspectItem[]): void {
  for (const item of items) {
    const t = item.traceability;
    const missing = (['lot_id', 'wafer_id', 'die_x', 'die_y'] as const).filter((k) => t[k] === undefined);
    if (missing.length > 0)
      throw usageError(
        `--klarf needs ${missing.join(', ')} in the manifest for every image; ${item.image} has none`,
      );
  }
}

export interface KlarfEntry {
  item: InspectItem;
  record: InspectRecord;
  inspectedAt: Date;
}

/**
 * Writes the KLARF of every inspected image (errors left out). `pixelSizeUm` wins; otherwise
 * each model's `chipq.pixel_size_um` from `models` (the embedded engine's repository).
 */
export async function writeKlarfFile(
  path: string,
  entries: readonly KlarfEntry[],
  scale: { pixelSizeUm?: number | undefined; models?: string | undefined },
): Promise<number> {
  const sizes = new Map<string, number>();
  const sizeFor = async (model: string): Promise<number> => {
    if (scale.pixelSizeUm !== undefined) return scale.pixelSizeUm;
    let size = sizes.get(model);
    if (size === undefined && scale.models !== undefined) {
      const entry = await readModelEntry(scale.models, model);
      const parsed = Number(entry.config.parameters['chipq.pixel_size_um']);
      if (Number.isFinite(parsed) && parsed > 0) size = parsed;
    }
    if (size === undefined)
      throw usageError(
        `--klarf: model ${model} sets no chipq.pixel_size_um; give --pixel-size (micrometres per pixel)`,
      );
    sizes.set(model, size);
    return size;
  };
  const dies: KlarfDie[] = [];
  for (const { item, record, inspectedAt } of entries) {
    if (record.status !== 'ok' || record.model === null) continue;
    const t = item.traceability;
    dies.push({
      lotId: t.lot_id as string,
      waferId: t.wafer_id as string,
      dieX: t.die_x as number,
      dieY: t.die_y as number,
      stationId: t.station_id ?? null,
      recipe: `${record.model}@${record.version}`,
      inspectedAt,
      imageWidth: record.width ?? 0,
      imageHeight: record.height ?? 0,
      pixelSizeUm: await sizeFor(record.model),
      resultId: record.result_id ?? record.image,
      detections: record.defects.map((d) => ({
        classId: d.class_id,
        className: d.class,
        confidence: d.confidence,
        x: Math.min(d.box.x1, d.box.x2),
        y: Math.min(d.box.y1, d.box.y2),
        width: Math.abs(d.box.x2 - d.box.x1),
        height: Math.abs(d.box.y2 - d.box.y1),
      })),
    });
  }
  await writeFile(path, writeKlarf(dies));
  return dies.length;
}
