import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { MlflowError } from '../server/errors.js';
import { UPLOAD_TMP_DIR } from './safe-path.js';

/** MLflow's FileInfo: `file_size` only for files. */
export interface FileInfo {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

/** fs errors a client causes by naming a path that clashes with what is on disk (file vs folder). */
function clientFsError(err: unknown, what: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST' || code === 'ENAMETOOLONG') {
    return MlflowError.invalidParameter(`Cannot write artifact '${what}': a file and a folder would share that path`);
  }
  return err;
}

/**
 * Streams `body` to `<root>/<rel>` through a temp file in the root's upload folder, then renames it
 * into place, so readers see either the previous file or the complete new one, never a partial
 * upload. More than `maxBytes` aborts with 413 and leaves nothing behind. With `keepBytes` the
 * content is also returned, for callers that parse it: reading the file back could race a delete.
 */
export async function writeArtifact(root: string, target: string, body: AsyncIterable<Uint8Array> | null, maxBytes: number, keepBytes = false): Promise<{ size: number; bytes?: Buffer }> {
  const tmpDir = join(root, UPLOAD_TMP_DIR);
  await mkdir(tmpDir, { recursive: true });
  const tmp = join(tmpDir, randomBytes(12).toString('hex'));
  const fh = await open(tmp, 'wx');
  let size = 0;
  const kept: Uint8Array[] = [];
  try {
    for await (const chunk of body ?? []) {
      size += chunk.byteLength;
      if (size > maxBytes) throw MlflowError.tooLarge(`Artifact exceeds the upload limit of ${maxBytes} bytes`);
      await fh.write(chunk);
      if (keepBytes) kept.push(chunk);
    }
    await fh.sync();
    await fh.close();
    await withTopFolderLock(root, target, () => moveIntoPlace(tmp, target)).catch((e) => Promise.reject(clientFsError(e, relative(root, target))));
    return { size, bytes: keepBytes ? Buffer.concat(kept) : undefined };
  } catch (err) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    throw err;
  }
}

const folderLocks = new Map<string, Promise<unknown>>();

/**
 * Runs `fn` after every earlier call for the same top-level folder (an experiment's artifacts) has
 * settled. Uploads' final mkdir + rename and deletes' rename take it, so within one server a delete
 * never moves a folder away between an upload's mkdir and its rename.
 */
async function withTopFolderLock<T>(root: string, abs: string, fn: () => Promise<T>): Promise<T> {
  const key = relative(root, abs).split(sep)[0];
  const prev = folderLocks.get(key) ?? Promise.resolve();
  const run = prev.then(fn, fn);
  const settled = run.catch(() => {});
  folderLocks.set(key, settled);
  try {
    return await run;
  } finally {
    if (folderLocks.get(key) === settled) folderLocks.delete(key);
  }
}

/**
 * Creates the target's folders and renames the finished upload into place. Another server over
 * the same folder can still move a parent away while this runs (the lock above is per process),
 * which surfaces as ENOENT, or as EEXIST/ENOTDIR from mkdir's own existence check: try again. A
 * real file/folder clash fails every attempt.
 */
async function moveIntoPlace(tmp: string, target: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      await mkdir(dirname(target), { recursive: true });
      await rename(tmp, target);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (attempt === 10 || !(code === 'ENOENT' || code === 'EEXIST' || code === 'ENOTDIR')) throw err;
    }
  }
}

/**
 * The file's size and a byte stream, or undefined when there is no regular file there. Size and
 * bytes come from one open handle: a path-based stat then open could pair the size of one file
 * with the bytes of another (or of none) when an upload or delete lands in between, and the
 * client would see a response cut short.
 */
export async function openArtifact(abs: string): Promise<{ size: number; stream: ReadableStream } | undefined> {
  const fh = await open(abs, 'r').catch(() => undefined);
  if (!fh) return undefined;
  const st = await fh.stat().catch(() => undefined);
  if (!st?.isFile()) {
    await fh.close();
    return undefined;
  }
  return { size: st.size, stream: Readable.toWeb(fh.createReadStream()) as ReadableStream };
}

/**
 * Entries of the folder at `abs`, sorted by name, with paths as `prefix/<name>`; undefined when `abs`
 * is a file or missing (MLflow answers `{}` then, which is how the client tells a file from a folder).
 * Symlinks that leave the root are skipped rather than followed.
 */
export async function listFolder(root: string, abs: string, prefix: string): Promise<FileInfo[] | undefined> {
  const st = await stat(abs).catch(() => undefined);
  if (!st?.isDirectory()) return undefined;
  const realRoot = await realpath(root);
  const listed = await readdir(abs).catch(() => undefined);
  if (!listed) return undefined;
  const entries = listed.sort();
  const files: FileInfo[] = [];
  for (const name of entries) {
    if (relative(root, abs) === '' && name === UPLOAD_TMP_DIR) continue;
    const full = join(abs, name);
    // The entry may vanish between readdir and lstat (a concurrent DELETE): skip it, as stat below does.
    const link = await lstat(full).catch(() => undefined);
    if (!link) continue;
    if (link.isSymbolicLink()) {
      const real = await realpath(full).catch(() => undefined);
      if (!real || !(real === realRoot || real.startsWith(realRoot + sep))) continue;
    }
    const entry = await stat(full).catch(() => undefined);
    if (!entry) continue;
    const path = prefix ? `${prefix}/${name}` : name;
    files.push(entry.isDirectory() ? { path, is_dir: true } : { path, is_dir: false, file_size: entry.size });
  }
  return files;
}

/**
 * Removes a file or a whole folder; a missing path is already deleted. The path is first renamed
 * into the upload folder (atomic), then removed from there: a recursive rm in place races with
 * uploads landing in the folder (ENOTEMPTY), while after the rename an upload simply re-creates
 * the folder, as if it had arrived after the delete.
 */
export async function deleteArtifact(root: string, abs: string): Promise<void> {
  const trash = join(root, UPLOAD_TMP_DIR, `deleted-${randomBytes(12).toString('hex')}`);
  await mkdir(dirname(trash), { recursive: true });
  try {
    await withTopFolderLock(root, abs, () => rename(abs, trash));
  } catch (err) {
    // ENOENT: nothing there. ENOTDIR: a parent is a file, so nothing can exist at that path either.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return;
    throw err;
  }
  await rm(trash, { recursive: true, force: true });
}
