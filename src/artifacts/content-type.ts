import { basename, extname } from 'node:path';

/**
 * Text formats MLflow serves as text/plain (mlflow/utils/mime_type_utils.py TEXT_EXTENSIONS), so
 * `.csv`, `.json` and `MLmodel` open as text in the UI and match what the real server answers.
 * It includes html-adjacent formats (`js`, `xml`) on purpose: served as text they cannot run.
 */
const TEXT = new Set([
  'txt', 'log', 'err', 'cfg', 'conf', 'cnf', 'cf', 'ini', 'properties', 'prop', 'hocon', 'toml', 'yaml', 'yml',
  'xml', 'json', 'js', 'py', 'py3', 'csv', 'tsv', 'md', 'rst', 'MLmodel', 'mlproject',
]);

/** Uploaded bytes that browsers render actively (html, svg) are downgraded to text/plain: no stored XSS. */
const ACTIVE = new Set(['html', 'htm', 'xhtml', 'shtml', 'svg', 'svgz', 'mjs', 'cjs', 'xsl', 'xslt']);

/** Passive binary formats that are safe to label precisely so the UI can preview them. */
const BINARY: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/gzip',
  tar: 'application/x-tar',
  parquet: 'application/octet-stream',
};

/** A Content-Type for a downloaded artifact that never lets a browser execute uploaded content. */
export function guessSafeContentType(path: string): string {
  const name = basename(path);
  const ext = extname(name).slice(1) || name;
  if (TEXT.has(ext) || ACTIVE.has(ext.toLowerCase())) return 'text/plain';
  return BINARY[ext.toLowerCase()] ?? 'application/octet-stream';
}

/** `attachment; filename=…` with an RFC 5987 form for names a plain header value cannot carry. */
export function attachmentDisposition(path: string): string {
  const name = basename(path);
  if (/^[\w.\-+]+$/.test(name)) return `attachment; filename=${name}`;
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
