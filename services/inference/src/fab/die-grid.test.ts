import { isChipqError } from '@chipq/core';
import { describe, expect, it } from 'vitest';
import { dieGrid, MAX_MAP_CELLS, type MapDie } from './die-grid.js';

const die = (x: number, y: number): MapDie => ({ x, y, state: 'PASS', defects: 0 });

describe('dieGrid', () => {
  it('lays dies out with the highest die_y on the first row and the lowest die_x first', () => {
    const grid = dieGrid([die(-1, 2), die(1, 0)]);
    expect(grid).toMatchObject({ minX: -1, maxY: 2, columns: 3, rows: 3 });
    expect(grid.cells[0]?.[0]).toMatchObject({ x: -1, y: 2 });
    expect(grid.cells[2]?.[2]).toMatchObject({ x: 1, y: 0 });
    expect(grid.cells[1]?.[1]).toBeNull();
  });

  it('refuses dies at the ends of int4 with CONFLICT instead of allocating billions of cells', () => {
    let thrown: unknown;
    try {
      dieGrid([die(-(2 ** 31), 0), die(2 ** 31 - 1, 0)]);
    } catch (error) {
      thrown = error;
    }
    expect(isChipqError(thrown) && thrown.code).toBe('CONFLICT');
    expect(isChipqError(thrown) && thrown.details).toMatchObject({
      columns: 2 ** 32,
      rows: 1,
      limit: MAX_MAP_CELLS,
    });
  });

  it('maps a wafer of 200,000 dies (more than a spread call can take)', () => {
    const dies = Array.from({ length: 200_000 }, (_, i) => die(i % 500, Math.floor(i / 500)));
    const grid = dieGrid(dies);
    expect(grid).toMatchObject({ columns: 500, rows: 400 });
  });
});
