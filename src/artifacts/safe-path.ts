import { mkdir, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { MlflowError } from '../server/errors.js';

/** Folder under the artifact root that holds in-flight uploads; never listed, never addressable. */
export const UPLOAD_TMP_DIR = '.glassbox-uploads';

const MAX_DECODE_ROUNDS = 10;
/** NAME_MAX and a PATH_MAX margin of common Linux file systems (ext4, xfs, tmpfs). */
const MAX_NAME_BYTES = 255;
const MAX_PATH_BYTES = 3072;

/** Percent-decodes what it can, leaving malformed escapes (a literal `100%.txt`) untouched, like Python's unquote. */
function lenientDecode(s: string): string {
  return s.replace(/(?:%[0-9A-Fa-f]{2})+/g, (m) => {
    try {
      return decodeURIComponent(m);
    } catch {
      return m;
    }
  });
}

const invalidPath = (raw: string, why: string) => MlflowError.invalidParameter(`Invalid artifact path '${raw}': ${why}`);

/**
 * Turns a client-supplied artifact path into clean relative segments, as MLflow's
 * `validate_path_is_safe` does: decode until stable (so `%252e%252e` cannot sneak past), then refuse
 * `..`, absolute paths, drive letters, backslashes and NUL bytes. `.` and empty segments are dropped
 * because the client collapses repeated slashes anyway.
 */
export function normalizeArtifactPath(raw: string): string[] {
  let decoded = raw;
  for (let i = 0; ; i++) {
    const next = lenientDecode(decoded);
    if (next === decoded) break;
    if (i >= MAX_DECODE_ROUNDS) throw invalidPath(raw, 'too many levels of percent-encoding');
    decoded = next;
  }
  if (decoded.includes('\0')) throw invalidPath(raw, 'NUL bytes are not allowed');
  if (decoded.includes('\\')) throw invalidPath(raw, 'backslashes are not allowed');
  if (decoded.startsWith('/') || isAbsolute(decoded) || /^[A-Za-z]:/.test(decoded)) {
    throw invalidPath(raw, 'absolute paths are not allowed');
  }
  const segments = decoded.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw invalidPath(raw, "'..' segments are not allowed");
  if (segments[0] === UPLOAD_TMP_DIR) throw invalidPath(raw, `'${UPLOAD_TMP_DIR}' is reserved`);
  // File systems refuse longer names with ENAMETOOLONG, which would otherwise surface as a 500.
  if (segments.some((s) => Buffer.byteLength(s) > MAX_NAME_BYTES)) throw invalidPath(raw.slice(0, 300), `a file or folder name is longer than ${MAX_NAME_BYTES} bytes`);
  if (Buffer.byteLength(decoded) > MAX_PATH_BYTES) throw invalidPath(raw.slice(0, 300), `the path is longer than ${MAX_PATH_BYTES} bytes`);
  return segments;
}

function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** realpath of the deepest part of `target` that exists (the target itself when it exists). */
async function realpathOfDeepestExisting(target: string): Promise<string> {
  let cur = target;
  for (;;) {
    try {
      return await realpath(cur);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'ENOTDIR') throw err;
      const parent = dirname(cur);
      if (parent === cur) return cur;
      cur = parent;
    }
  }
}

/**
 * Absolute file-system path for `segments` under `root`, refusing anything that lands outside the
 * root through a symlink. The check resolves the deepest existing ancestor, so it also covers
 * uploads into folders that do not exist yet.
 */
export async function resolveInside(root: string, segments: string[]): Promise<string> {
  await mkdir(root, { recursive: true });
  const realRoot = await realpath(root);
  const target = join(root, ...segments);
  if (!isInside(root, target)) throw invalidPath(segments.join('/'), 'escapes the artifact root');
  const real = await realpathOfDeepestExisting(target);
  if (!isInside(realRoot, real)) throw invalidPath(segments.join('/'), 'resolves outside the artifact root');
  return target;
}

/**
 * `normalizeArtifactPath` then `resolveInside`: the one call routes make before touching the disk.
 * Only listings may address the root itself; a PUT or DELETE of `./` must never mean "everything".
 */
export async function safeArtifactPath(root: string, raw: string, allowRoot = false): Promise<{ abs: string; segments: string[] }> {
  const segments = normalizeArtifactPath(raw);
  if (segments.length === 0 && !allowRoot) throw invalidPath(raw, 'it must name a file or folder below the artifact root');
  return { abs: await resolveInside(root, segments), segments };
}
