/** Minimal RFC 4180 CSV/TSV parsing for artifact previews (quoted fields, escaped quotes, CRLF). */
export function parseDelimited(text: string, delimiter = ',', maxRows = 200): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length && rows.length < maxRows; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) row.push(field), (field = '');
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field), rows.push(row), (row = []), (field = '');
    } else field += ch;
  }
  if ((field !== '' || row.length) && rows.length < maxRows) row.push(field), rows.push(row);
  return rows;
}

export type PreviewKind = 'image' | 'json' | 'table' | 'text' | 'none';

export function previewKind(path: string): PreviewKind {
  const ext = path.toLowerCase().split('.').pop() ?? '';
  if (['png', 'jpg', 'jpeg', 'gif', 'webp', 'bmp'].includes(ext)) return 'image';
  if (ext === 'json') return 'json';
  if (ext === 'csv' || ext === 'tsv') return 'table';
  if (['txt', 'md', 'log', 'py', 'ts', 'js', 'yaml', 'yml', 'toml', 'ini', 'cfg', 'html', 'xml', 'sql', 'sh', 'mlmodel', 'jsonl'].includes(ext) || !path.includes('.')) return 'text';
  return 'none';
}
