import { OtlpDecodeError } from './otlp-types.js';

/** Protobuf wire types (https://protobuf.dev/programming-guides/encoding/). */
export const VARINT = 0;
export const FIXED64 = 1;
export const LEN = 2;
export const FIXED32 = 5;

const TWO_32 = 4294967296;

/**
 * A minimal protobuf wire-format reader over one Buffer. Every read checks bounds and throws
 * OtlpDecodeError, so truncated or garbage input becomes a 400, never a crash or a hang.
 * Nested messages are read by narrowing `end` (`withLimit`) instead of copying bytes.
 */
export class WireReader {
  pos: number;
  end: number;

  constructor(readonly buf: Buffer, start = 0, end = buf.length) {
    this.pos = start;
    this.end = end;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  private fail(what: string): never {
    throw new OtlpDecodeError(`Invalid protobuf: ${what} at byte ${this.pos}`);
  }

  /** A varint that fits in 32 bits (tags, lengths, enums); larger values are an error. */
  uint32(): number {
    let result = 0;
    let shift = 0;
    while (shift < 35) {
      if (this.pos >= this.end) this.fail('truncated varint');
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) {
        if (result > 0xffffffff) this.fail('varint too large');
        return result;
      }
      shift += 7;
    }
    // Enums and int32 are sign-extended to 10 bytes when negative: accept and truncate to 32 bits.
    return this.skipVarintTail(result);
  }

  private skipVarintTail(partial: number): number {
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) this.fail('truncated varint');
      if (this.buf[this.pos++] < 0x80) return partial >>> 0;
    }
    this.fail('varint longer than 10 bytes');
  }

  /** An int64 varint: a number when safe, else its exact decimal string. */
  int64(): number | string {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('truncated varint');
      const b = this.buf[this.pos++];
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >> 4;
      } else hi |= (b & 0x7f) << (7 * i - 32);
      if (b < 0x80) return joinInt64(lo >>> 0, hi >>> 0);
    }
    this.fail('varint longer than 10 bytes');
  }

  /** fixed64 as an exact unsigned decimal string (nanosecond timestamps exceed 2^53). */
  fixed64String(): string {
    if (this.pos + 8 > this.end) this.fail('truncated fixed64');
    const lo = this.buf.readUInt32LE(this.pos);
    const hi = this.buf.readUInt32LE(this.pos + 4);
    this.pos += 8;
    if (hi < 0x200000) return String(hi * TWO_32 + lo);
    return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
  }

  double(): number {
    if (this.pos + 8 > this.end) this.fail('truncated double');
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  fixed32(): number {
    if (this.pos + 4 > this.end) this.fail('truncated fixed32');
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  /** Reads a length prefix and returns the [start, end) of the payload, moving past it. */
  span(): [number, number] {
    const len = this.uint32();
    const start = this.pos;
    if (start + len > this.end) this.fail('length-delimited field runs past its message');
    this.pos = start + len;
    return [start, start + len];
  }

  string(): string {
    const [s, e] = this.span();
    return this.buf.toString('utf8', s, e);
  }

  hex(): string {
    const [s, e] = this.span();
    return this.buf.toString('hex', s, e);
  }

  base64(): string {
    const [s, e] = this.span();
    return this.buf.toString('base64', s, e);
  }

  /** A reader over a nested message (the next length-delimited field). */
  sub(): WireReader {
    const [s, e] = this.span();
    return new WireReader(this.buf, s, e);
  }

  /** Reads a field tag; returns [fieldNumber, wireType]. */
  tag(): [number, number] {
    const t = this.uint32();
    const field = t >>> 3;
    if (field === 0) this.fail('field number 0');
    return [field, t & 7];
  }

  /** Skips a field of the given wire type (unknown fields are legal and must be ignored). */
  skip(wireType: number): void {
    switch (wireType) {
      case VARINT:
        this.int64();
        return;
      case FIXED64:
        if (this.pos + 8 > this.end) this.fail('truncated fixed64');
        this.pos += 8;
        return;
      case LEN:
        this.span();
        return;
      case FIXED32:
        if (this.pos + 4 > this.end) this.fail('truncated fixed32');
        this.pos += 4;
        return;
      default:
        this.fail(`unsupported wire type ${wireType}`);
    }
  }

  /** Asserts the wire type a field number must have in the schema; a mismatch means garbage input. */
  expect(actual: number, wanted: number, field: string): void {
    if (actual !== wanted) this.fail(`field ${field} has wire type ${actual}, expected ${wanted}`);
  }
}

function joinInt64(lo: number, hi: number): number | string {
  if (hi < 0x200000) return hi * TWO_32 + lo;
  if (hi >= 0xffe00000) return -((0xffffffff - hi) * TWO_32 + (0xffffffff - lo) + 1); // small negative
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)).toString();
}
