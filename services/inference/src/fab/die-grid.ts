/**
 * A wafer's dies laid out as a grid for maps: columns from the lowest die_x (left) to the
 * highest, rows from the highest die_y (top) down, as a wafer is drawn with y pointing up.
 * Positions inside the bounding box with no inspected die are empty (null).
 */
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

export function dieGrid(dies: MapDie[]): DieGrid {
  if (dies.length === 0) return { minX: 0, maxY: 0, columns: 0, rows: 0, cells: [] };
  const xs = dies.map((d) => d.x);
  const ys = dies.map((d) => d.y);
  const minX = Math.min(...xs);
  const maxY = Math.max(...ys);
  const columns = Math.max(...xs) - minX + 1;
  const rows = maxY - Math.min(...ys) + 1;
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
