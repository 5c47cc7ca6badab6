import { parentPort } from 'node:worker_threads';
import { OtlpRequestError, prepareRequest, type OtlpEncoding } from './prepare.js';

/** A decode thread of decode-pool.ts: prepares OTLP requests and posts the result back. */
export interface DecodeJob {
  id: number;
  body: Uint8Array;
  encoding: OtlpEncoding;
  compress: boolean;
}

parentPort!.on('message', ({ id, body, encoding, compress }: DecodeJob) => {
  try {
    const ok = prepareRequest(Buffer.from(body.buffer, body.byteOffset, body.byteLength), encoding, compress);
    // Packed payloads own their buffers (payload-pack.ts): moved, not copied.
    const moved = ok.groups.flatMap((g) => (g.payload instanceof Uint8Array ? [g.payload.buffer as ArrayBuffer] : []));
    parentPort!.postMessage({ id, ok }, moved);
  } catch (err) {
    if (err instanceof OtlpRequestError) parentPort!.postMessage({ id, clientError: err.message });
    else parentPort!.postMessage({ id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
