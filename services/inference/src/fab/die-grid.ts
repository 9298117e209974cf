/**
 * A wafer's dies laid out as a grid for maps: columns from the lowest die_x (left) to the
 * highest, rows from the highest die_y (top) down, as a wafer is drawn with y pointing up.
 * Positions inside the bounding box with no inspected die are empty (null).
 */
import { ChipqError } from '@chipq/core';
import type { VerdictStatus } from '../db/database.js';

/** A die's map state: its latest verdict, or NONE when every inspection of it failed. */
export type DieState = VerdictStatus | 'NONE';

export interface MapDie {
  x: number;
  y: number;
  state: DieState;
  defects: number;
}

export interface DieGrid {
  minX: number;
  maxY: number;
  columns: number;
  rows: number;
  /** `cells[row][column]`, row 0 = highest die_y. */
  cells: Array<Array<MapDie | null>>;
}

/**
 * The most cells a map may have. Die coordinates are any int4, so two dies far apart would
 * otherwise ask for billions of cells (a fuzzer found the 500); the largest wafers have about
 * 100,000 dies.
 */
export const MAX_MAP_CELLS = 1 << 20;

/** @throws ChipqError CONFLICT when the dies span more than MAX_MAP_CELLS cells. */
export function dieGrid(dies: MapDie[]): DieGrid {
  if (dies.length === 0) return { minX: 0, maxY: 0, columns: 0, rows: 0, cells: [] };
  // Loops, not Math.min(...xs): spreading a large wafer's dies overflows the call stack.
  let minX = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const { x, y } of dies) {
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  const columns = maxX - minX + 1;
  const rows = maxY - minY + 1;
  if (columns * rows > MAX_MAP_CELLS)
    throw new ChipqError(
      'CONFLICT',
      `the dies span ${columns} columns x ${rows} rows, more than a map's ${MAX_MAP_CELLS} cells; the wafer summary and KLARF still list every die`,
      { details: { columns, rows, limit: MAX_MAP_CELLS } },
    );
  const cells: Array<Array<MapDie | null>> = Array.from({ length: rows }, () =>
    Array.from({ length: columns }, () => null),
  );
  for (const die of dies) {
    const row = cells[maxY - die.y];
    if (row !== undefined) row[die.x - minX] = die;
  }
  return { minX, maxY, columns, rows, cells };
}

/** Counts per state, in legend order. */
export function stateCounts(dies: MapDie[]): Record<DieState, number> {
  const counts: Record<DieState, number> = { PASS: 0, FAIL: 0, REVIEW: 0, NONE: 0 };
  for (const d of dies) counts[d.state] += 1;
  return counts;
}
