import { parentPort } from 'node:worker_threads';
import { OtlpRequestError, prepareRequest, type OtlpEncoding } from './prepare.js';

/** A decode thread of decode-pool.ts: prepares OTLP requests and posts the result back. */
export interface DecodeJob {
  id: number;
  body: Uint8Array;
  encoding: OtlpEncoding;
}

parentPort!.on('message', ({ id, body, encoding }: DecodeJob) => {
  try {
    parentPort!.postMessage({ id, ok: prepareRequest(Buffer.from(body.buffer, body.byteOffset, body.byteLength), encoding) });
  } catch (err) {
    if (err instanceof OtlpRequestError) parentPort!.postMessage({ id, clientError: err.message });
    else parentPort!.postMessage({ id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
