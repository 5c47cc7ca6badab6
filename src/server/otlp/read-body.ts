import { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { MlflowError } from '../errors.js';

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);

/** Content-Type → OTLP encoding; parameters such as `; charset=utf-8` are allowed. Anything else is 415. */
export function otlpEncoding(contentType: string | undefined): 'protobuf' | 'json' {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  throw MlflowError.unsupportedMediaType(`Unsupported Content-Type '${contentType ?? ''}' for OTLP/HTTP: use application/x-protobuf or application/json`);
}

/**
 * Reads the raw body, failing with 413 as soon as it exceeds maxBytes (before buffering it all).
 * Under @hono/node-server the Node request (`incoming`) is read directly: building the web
 * Request's body stream costs more per request than the rest of the HTTP handling.
 */
export async function readRawBody(req: Request, maxBytes: number, limitText: string, incoming?: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) throw MlflowError.tooLarge(`OTLP request body of ${declared} bytes exceeds the limit of ${limitText}`);
  if (incoming instanceof IncomingMessage && !incoming.readableDidRead) return readIncoming(incoming, maxBytes, limitText);
  if (!req.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw MlflowError.tooLarge(`OTLP request body exceeds the limit of ${limitText}`);
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? Buffer.from(chunks[0].buffer, chunks[0].byteOffset, chunks[0].byteLength) : Buffer.concat(chunks, size);
}

function readIncoming(incoming: IncomingMessage, maxBytes: number, limitText: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (err?: Error) => {
      incoming.off('data', onData).off('end', onEnd).off('error', done).off('aborted', onAborted);
      if (err) reject(err);
      else resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      // The rest of the body is drained by @hono/node-server once the 413 is sent.
      if (size > maxBytes) done(MlflowError.tooLarge(`OTLP request body exceeds the limit of ${limitText}`));
      else chunks.push(chunk);
    };
    const onEnd = () => done();
    // The client is gone, so nobody reads this answer; it only keeps the abort out of the error log.
    const onAborted = () => done(new MlflowError('BAD_REQUEST', 'The client closed the connection before sending the whole body'));
    incoming.on('data', onData).on('end', onEnd).on('error', done).on('aborted', onAborted);
  });
}

/**
 * Undoes Content-Encoding (gzip, deflate as zlib or raw, identity), inflating on the libuv pool
 * with an output cap so that a small "zip bomb" is a 413 and never fills memory.
 */
export async function decompress(body: Buffer, encoding: string | undefined, maxBytes: number, limitText: string): Promise<Buffer> {
  const enc = (encoding ?? '').trim().toLowerCase();
  if (enc === '' || enc === 'identity') return body;
  if (enc !== 'gzip' && enc !== 'x-gzip' && enc !== 'deflate') {
    throw MlflowError.unsupportedMediaType(`Unsupported Content-Encoding '${encoding}': use gzip, deflate or identity`);
  }
  const opts = { maxOutputLength: maxBytes };
  try {
    if (enc !== 'deflate') return await gunzip(body, opts);
    // RFC 9110 deflate is zlib-wrapped, but many clients send raw deflate: a zlib header has (CMF*256+FLG) % 31 == 0.
    const zlibWrapped = body.length >= 2 && (body[0] & 0x0f) === 8 && ((body[0] << 8) | body[1]) % 31 === 0;
    return await (zlibWrapped ? inflate(body, opts) : inflateRaw(body, opts));
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (e.code === 'ERR_BUFFER_TOO_LARGE' || /Cannot create a Buffer larger|buffer.*too large/i.test(e.message ?? '')) {
      throw MlflowError.tooLarge(`Decompressed OTLP request body exceeds the limit of ${limitText}`);
    }
    throw new MlflowError('BAD_REQUEST', `Body is not valid ${enc} data: ${e.message ?? 'decompression failed'}`);
  }
}
