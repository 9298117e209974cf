/**
 * RFC 4180 CSV, the small part we need: parsing a manifest (quoted fields, doubled quotes,
 * CRLF or LF, a BOM from spreadsheet exports) and formatting result rows.
 */

/** Rows of fields; blank lines are dropped. Throws on an unterminated quoted field. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRow = () => {
    row.push(field);
    if (row.length > 1 || row[0] !== '') rows.push(row);
    row = [];
    field = '';
  };
  for (; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char !== '"') field += char;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n') endRow();
    else if (char !== '\r' || text[i + 1] !== '\n') field += char;
  }
  if (quoted) throw new Error('a quoted field is not closed');
  if (field !== '' || row.length > 0) endRow();
  return rows;
}

/** One CSV line (with its newline); fields with commas, quotes or line breaks are quoted. */
export function formatCsvRow(values: readonly (string | number | null | undefined)[]): string {
  return `${values.map(formatField).join(',')}\n`;
}

function formatField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
