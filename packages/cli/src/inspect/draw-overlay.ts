/**
 * `--overlay-dir`: a copy of the tested image with each defect's box and label drawn, because
 * people would rather look than read. The drawing is one SVG composed over the image by sharp:
 * boxes coloured by class, thicker for higher severity, dashed for the review band, and a
 * banner with the verdict in the bottom-left corner.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import sharp from 'sharp';
import type { DefectRecord, InspectRecord } from './inspect-record.js';

/** One colour per class id (Tableau 10), so a class looks the same on every image. */
const classColours = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];
const severityWidth: Record<string, number> = { low: 1, medium: 1.5, high: 2, critical: 3 };
const verdictColours = { PASS: '#2e7d32', REVIEW: '#ef6c00', FAIL: '#c62828' } as const;

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A text label on a filled background; `x, y` is its top-left corner, kept inside the image. */
function label(text: string, x: number, y: number, size: number, background: string, width: number): string {
  const textWidth = Math.ceil(text.length * size * 0.6) + size / 2;
  const left = Math.max(0, Math.min(x, width - textWidth));
  return (
    `<rect x="${left}" y="${y}" width="${textWidth}" height="${size * 1.3}" fill="${background}" fill-opacity="0.85"/>` +
    `<text x="${left + size / 4}" y="${y + size}" font-family="DejaVu Sans, Arial, sans-serif" font-size="${size}" fill="#fff">${escapeXml(text)}</text>`
  );
}

/** The SVG drawn over an image of `width` x `height`. */
function overlaySvg(record: InspectRecord, width: number, height: number): string {
  const unit = Math.max(1, Math.min(width, height) / 320);
  const size = Math.round(Math.max(10, Math.min(width, height) / 40));
  const shapes: string[] = [];
  const draw = (d: DefectRecord, review: boolean) => {
    const colour = classColours[d.class_id % classColours.length] ?? '#ffffff';
    const stroke = unit * 1.5 * (review ? 1 : (severityWidth[d.severity ?? ''] ?? 1));
    const { x1, y1, x2, y2 } = d.box;
    const dash = review ? ` stroke-dasharray="${4 * unit} ${3 * unit}"` : '';
    shapes.push(
      `<rect x="${x1}" y="${y1}" width="${Math.max(1, x2 - x1)}" height="${Math.max(1, y2 - y1)}" fill="none" stroke="${colour}" stroke-width="${stroke}"${dash}/>`,
    );
    const text = `${d.class} ${d.confidence.toFixed(2)}${review ? ' review' : d.severity ? ` ${d.severity}` : ''}`;
    // Above the box when there is room, else just inside its top edge.
    const top = y1 - size * 1.3 >= 0 ? y1 - size * 1.3 : Math.min(y1, height - size * 1.3);
    shapes.push(label(text, x1, top, size, colour, width));
  };
  for (const d of record.review) draw(d, true);
  for (const d of record.defects) draw(d, false);
  if (record.verdict) {
    const banner = `${record.verdict} ${record.score?.toFixed(2) ?? ''} ${record.rule ?? ''}`.trim();
    // Bottom-left: defects near the top edge keep their labels visible.
    shapes.push(label(banner, 0, height - size * 1.3, size, verdictColours[record.verdict], width));
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${shapes.join('')}</svg>`;
}

/**
 * Writes `image` with the record's boxes drawn to `path`, in the format its extension names
 * (a grey image becomes colour). Boxes are in the upright image's pixels, so EXIF orientation is
 * applied first, as core's preprocessing does.
 */
export async function drawOverlay(image: Uint8Array, record: InspectRecord, path: string): Promise<void> {
  // Raw pixels in between: no second encode; three channels so the boxes keep their colours.
  const upright = await sharp(image)
    .rotate()
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height, channels } = upright.info;
  await mkdir(dirname(path), { recursive: true });
  await sharp(upright.data, { raw: { width, height, channels } })
    .composite([{ input: Buffer.from(overlaySvg(record, width, height)), top: 0, left: 0 }])
    .toFile(path);
}
