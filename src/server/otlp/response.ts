/** ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1 { int64 rejected_spans = 1; string error_message = 2; } }. */
export function encodeExportResponse(rejected: number, message: string): Uint8Array<ArrayBuffer> {
  if (rejected === 0) return new Uint8Array(new ArrayBuffer(0));
  const msg = Buffer.from(message, 'utf8');
  const inner = [0x08, ...varint(rejected), 0x12, ...varint(msg.length), ...msg];
  return Uint8Array.from([0x0a, ...varint(inner.length), ...inner]);
}

/** The OTLP/JSON form: empty `{}` on full success; int64 written as a decimal string per proto3 JSON. */
export function jsonExportResponse(rejected: number, message: string): Record<string, unknown> {
  return rejected === 0 ? {} : { partialSuccess: { rejectedSpans: String(rejected), errorMessage: message } };
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
