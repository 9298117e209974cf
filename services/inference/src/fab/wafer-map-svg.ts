/**
 * The wafer map as SVG for the console and reports: one square per die coloured by its latest
 * verdict, the wafer's outline, a legend with counts, and an accessible title and description
 * (role="img"); each die carries its own <title> (coordinates, verdict, defects) for tooltips.
 */
import { type DieState, dieGrid, type MapDie, stateCounts } from './die-grid.js';

const colours: Record<DieState, { fill: string; label: string }> = {
  PASS: { fill: '#2e7d32', label: 'PASS' },
  FAIL: { fill: '#c62828', label: 'FAIL' },
  REVIEW: { fill: '#f9a825', label: 'REVIEW' },
  NONE: { fill: '#757575', label: 'no verdict (inspection failed)' },
};
const cell = 20;
const gap = 2;
const margin = 24;
const legendWidth = 230;

export function waferMapSvg(input: { lotId: string; waferId: string; dies: MapDie[] }): string {
  const grid = dieGrid(input.dies);
  const counts = stateCounts(input.dies);
  const gridW = Math.max(1, grid.columns) * cell;
  const gridH = Math.max(1, grid.rows) * cell;
  // The wafer: a circle around the die grid's bounding box.
  const radius = Math.hypot(gridW, gridH) / 2 + cell / 2;
  const cx = margin + radius;
  const cy = margin + radius;
  const left = cx - gridW / 2;
  const top = cy - gridH / 2;
  const width = Math.ceil(2 * radius + 2 * margin + legendWidth);
  const height = Math.ceil(Math.max(2 * radius + 2 * margin, 5 * 24 + 2 * margin));
  const title = `Wafer map: lot ${input.lotId}, wafer ${input.waferId}`;
  const inspected = input.dies.length;
  const description =
    `${inspected} dies inspected: ${counts.PASS} PASS, ${counts.FAIL} FAIL, ${counts.REVIEW} REVIEW` +
    `${counts.NONE > 0 ? `, ${counts.NONE} without a verdict` : ''}. Rows run from the highest die_y at the top; columns from the lowest die_x at the left.`;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="wafer-map-title wafer-map-desc" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<title id="wafer-map-title">${xml(title)}</title>`,
    `<desc id="wafer-map-desc">${xml(description)}</desc>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<circle cx="${cx}" cy="${cy}" r="${fmt(radius)}" fill="#f3f4f6" stroke="#9ca3af" stroke-width="1.5"/>`,
  ];
  grid.cells.forEach((row, r) => {
    row.forEach((die, c) => {
      if (die === null) return;
      const x = left + c * cell + gap / 2;
      const y = top + r * cell + gap / 2;
      const label = `die (${die.x}, ${die.y}): ${colours[die.state].label}, ${die.defects} defect${die.defects === 1 ? '' : 's'}`;
      out.push(
        `<rect class="die" data-die-x="${die.x}" data-die-y="${die.y}" data-verdict="${die.state}" x="${fmt(x)}" y="${fmt(y)}" width="${cell - gap}" height="${cell - gap}" fill="${colours[die.state].fill}"><title>${xml(label)}</title></rect>`,
      );
    });
  });
  const legendX = Math.ceil(2 * radius + 2 * margin);
  out.push(`<g class="legend" transform="translate(${legendX} ${margin})">`);
  out.push(
    `<text x="0" y="12" font-weight="bold">${xml(`Lot ${input.lotId} · wafer ${input.waferId}`)}</text>`,
  );
  (Object.keys(colours) as DieState[]).forEach((state, i) => {
    const y = 28 + i * 22;
    out.push(
      `<rect x="0" y="${y}" width="14" height="14" fill="${colours[state].fill}"/>`,
      `<text x="22" y="${y + 11}">${xml(`${colours[state].label}: ${counts[state]}`)}</text>`,
    );
  });
  out.push('</g>', '</svg>');
  return `${out.join('\n')}\n`;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

function xml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
