/**
 * The wafer map as SEMI G85 XML: one bin code per die from its latest verdict (1 PASS, 2 FAIL,
 * 3 REVIEW, 4 no verdict; 255 where no die was inspected, the NullBin). Decimal bins, rows
 * space-separated. The first Row is the highest die_y and the first column the lowest die_x:
 * ReferenceDevice names that die, so readers can map cells back to die coordinates.
 */
import { type DieState, dieGrid, type MapDie, stateCounts } from './die-grid.js';

/** Bin codes per die state, also in the OpenAPI description. */
const g85Bins: Record<DieState, { code: number; quality: 'Pass' | 'Fail'; description: string }> = {
  PASS: { code: 1, quality: 'Pass', description: 'PASS' },
  FAIL: { code: 2, quality: 'Fail', description: 'FAIL' },
  REVIEW: { code: 3, quality: 'Fail', description: 'REVIEW: awaiting a human decision' },
  NONE: { code: 4, quality: 'Fail', description: 'no verdict: every inspection of the die failed' },
};
const nullBin = 255;

export function waferMapG85(input: {
  lotId: string;
  waferId: string;
  dies: MapDie[];
  createdAt: Date;
}): string {
  const grid = dieGrid(input.dies);
  const counts = stateCounts(input.dies);
  const bins = (Object.keys(g85Bins) as DieState[]).map((state) => {
    const bin = g85Bins[state];
    return `      <Bin BinCode="${bin.code}" BinQuality="${bin.quality}" BinCount="${counts[state]}" BinDescription="${xml(bin.description)}"/>`;
  });
  const rows = grid.cells.map(
    (row) =>
      `        <Row><![CDATA[${row.map((die) => String(die === null ? nullBin : g85Bins[die.state].code).padStart(3, '0')).join(' ')}]]></Row>`,
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<Maps>',
    `  <Map xmlns="http://www.semi.org" SubstrateType="Wafer" SubstrateId="${xml(input.waferId)}" FormatRevision="SEMI G85 0703">`,
    `    <Device LotId="${xml(input.lotId)}" BinType="Decimal" NullBin="${nullBin}" Rows="${grid.rows}" Columns="${grid.columns}" OriginLocation="3" Orientation="0" MapType="Array" SupplierName="chipq" CreateDate="${g85Date(input.createdAt)}">`,
    `      <ReferenceDevice ReferenceDeviceX="${grid.minX}" ReferenceDeviceY="${grid.maxY}"/>`,
    ...bins,
    `      <Data MapName="${xml(`${input.lotId}/${input.waferId}`)}" MapVersion="1">`,
    ...rows,
    '      </Data>',
    '    </Device>',
    '  </Map>',
    '</Maps>',
    '',
  ].join('\n');
}

/** G85's CreateDate: YYYYMMDDhhmmssfff, UTC with milliseconds. */
function g85Date(date: Date): string {
  const iso = date.toISOString(); // 2026-11-26T01:02:03.456Z
  return iso.slice(0, 23).replace(/[-:T.]/g, '');
}

function xml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
