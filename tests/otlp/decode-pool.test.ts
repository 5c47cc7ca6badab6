import { afterEach, describe, expect, test } from 'vitest';
import { DecodePool, POOL_MIN_BYTES } from '../../src/server/otlp/decode-pool.js';
import { OtlpRequestError, prepareRequest } from '../../src/server/otlp/prepare.js';
import { payloadJsonText } from '../../src/store/payload-pack.js';
import { encodeJson, encodeProtobuf, makeSdkSpans } from './builders.js';

/** A request of `n` children with ~1 KB of attributes each: large enough to go to a decode thread. */
function bigRequest(n = 40) {
  const spans = makeSdkSpans({
    name: 'agent',
    attributes: { 'input.value': 'q'.repeat(300), 'openinference.span.kind': 'AGENT' },
    children: Array.from({ length: n }, (_, i) => ({ name: `chat ${i}`, attributes: { 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': i, 'gen_ai.input.messages': 'm'.repeat(1000) } })),
  });
  return { pb: Buffer.from(encodeProtobuf(spans)), json: Buffer.from(encodeJson(spans)) };
}

/** The pool's private thread list, to count threads and to kill one. */
const threadsOf = (pool: DecodePool) => (pool as unknown as { threads: { worker: { terminate(): Promise<number> } }[] }).threads;

describe('OTLP decode threads', () => {
  let pool: DecodePool;
  afterEach(() => pool?.close());

  test('a large request prepared on a thread equals the same request prepared inline, for protobuf and JSON, packed as text or compressed', async () => {
    pool = new DecodePool(1);
    const { pb, json } = bigRequest();
    expect(pb.length).toBeGreaterThan(POOL_MIN_BYTES);
    for (const [body, enc] of [[pb, 'protobuf'], [json, 'json']] as const) {
      for (const compress of [true, false]) {
        const onThread = await pool.prepare(Buffer.from(body), enc, compress);
        const inline = prepareRequest(body, enc, compress);
        const [group] = onThread.groups;
        expect(group.spans).toHaveLength(41);
        expect(group.spans.every((s) => Object.keys(s.attributes).length === 0 && s.payloadSize! > 0)).toBe(true);
        // The attributes moved into the group's payload row, compressed only when asked.
        expect(typeof group.payload).toBe(compress ? 'object' : 'string');
        const entries = JSON.parse(payloadJsonText(group.payload!)) as { span_id: string; attributes: Record<string, unknown> }[];
        expect(entries.map((e) => e.span_id)).toEqual(group.spans.map((s) => s.spanId));
        expect(entries[1].attributes['gen_ai.input.messages']).toBe('m'.repeat(1000));
        expect(payloadJsonText(group.payload!)).toBe(payloadJsonText(inline.groups[0].payload!));
        expect({ ...onThread, groups: [{ ...group, payload: null }] }).toEqual({ ...inline, groups: [{ ...inline.groups[0], payload: null }] });
      }
    }
    expect(threadsOf(pool)).toHaveLength(1);
  });

  test('small requests stay on the calling thread; none is started for them', async () => {
    pool = new DecodePool(2);
    const small = Buffer.from(encodeProtobuf(makeSdkSpans({ name: 'one' })));
    expect((await pool.prepare(small, 'protobuf', true)).groups[0].spans).toHaveLength(1);
    expect(threadsOf(pool)).toHaveLength(0);
  });

  test("a malformed large body is the client's error, with the decoder's message", async () => {
    pool = new DecodePool(1);
    const garbage = Buffer.alloc(POOL_MIN_BYTES * 2, 0xff);
    const err = await pool.prepare(garbage, 'protobuf', true).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OtlpRequestError);
    expect((err as Error).message).toMatch(/^Invalid OpenTelemetry protobuf request: /);
  });

  test('a thread that dies fails only the requests it held, and the next request gets a new thread', async () => {
    pool = new DecodePool(1);
    const { pb } = bigRequest(400);
    const pending = pool.prepare(Buffer.from(pb), 'protobuf', true);
    await threadsOf(pool)[0].worker.terminate();
    await expect(pending).rejects.toThrow(/decode thread stopped/);
    expect(threadsOf(pool)).toHaveLength(0);
    // The pool takes the body over: a buffer of its own is moved to the thread, not copied.
    const body = Buffer.from(pb);
    expect((await pool.prepare(body, 'protobuf', true)).groups[0].spans).toHaveLength(401);
    expect(body.byteLength).toBe(0);
  });

  test('with 0 threads every request is prepared inline', async () => {
    pool = new DecodePool(0);
    const { pb } = bigRequest();
    expect((await pool.prepare(pb, 'protobuf', true)).groups[0].spans).toHaveLength(41);
    expect(threadsOf(pool)).toHaveLength(0);
  });
});
