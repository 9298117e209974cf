/**
 * How big an image pixel is on the die, for KLARF's micrometres: the station's size from
 * STATION_PIXEL_SIZES when listed (the camera decides), else the model's `chipq.pixel_size_um`
 * parameter in config.pbtxt. The die origin (KLARF's lower-left die corner) sits at the image's
 * lower-left pixel corner unless the model's `chipq.die_origin_px` ("x,y" in image pixels) says
 * otherwise.
 */
import { ChipqError } from '@chipq/core';
import { readModelEntry } from '@chipq/core/model-repository';

export interface DieScale {
  pixelSizeUm: number;
  /** Where the die origin lies in the image, pixels; undefined: the image's lower-left corner. */
  originPx: { x: number; y: number } | undefined;
  /** Where the pixel size came from, for messages. */
  source: string;
}

const pixelSizeParameter = 'chipq.pixel_size_um';
const dieOriginParameter = 'chipq.die_origin_px';

export function createPixelScales(options: { stationSizesUm: Record<string, number>; repository: string }) {
  const models = new Map<string, Promise<{ size?: number; origin?: { x: number; y: number } }>>();

  function modelParameters(name: string) {
    let found = models.get(name);
    if (found === undefined) {
      found = readModelEntry(options.repository, name).then(
        (entry) => {
          const size = Number(entry.config.parameters[pixelSizeParameter]);
          const origin = entry.config.parameters[dieOriginParameter]?.split(',').map(Number);
          return {
            size: Number.isFinite(size) && size > 0 ? size : undefined,
            origin:
              origin?.length === 2 && origin.every(Number.isFinite)
                ? { x: origin[0] as number, y: origin[1] as number }
                : undefined,
          };
        },
        () => ({}),
      );
      models.set(name, found);
      // Re-read after a while: a deploy may change the config.
      setTimeout(() => models.delete(name), 30_000).unref();
    }
    return found;
  }

  /** @throws ChipqError CONFLICT when neither the station nor the model gives a pixel size. */
  async function scaleFor(station: string | null, model: string | null): Promise<DieScale> {
    const params = model === null ? {} : await modelParameters(model);
    const stationSize = station === null ? undefined : options.stationSizesUm[station];
    if (stationSize !== undefined)
      return {
        pixelSizeUm: stationSize,
        originPx: params.origin,
        source: `STATION_PIXEL_SIZES (${station})`,
      };
    if (params.size !== undefined)
      return {
        pixelSizeUm: params.size,
        originPx: params.origin,
        source: `model ${model} (${pixelSizeParameter})`,
      };
    throw new ChipqError(
      'CONFLICT',
      `no pixel size for station ${station ?? '(none)'} and model ${model ?? '(none)'}: list the station in STATION_PIXEL_SIZES (e.g. ${station ?? 'AOI-3'}=5.2) or set the model's ${pixelSizeParameter} parameter in config.pbtxt`,
      { details: { station, model } },
    );
  }

  return { scaleFor };
}

export type PixelScales = ReturnType<typeof createPixelScales>;
