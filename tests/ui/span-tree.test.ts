import { describe, expect, test } from 'vitest';
import type { OtelSpan } from '../../ui/src/api/types';
import { idToHex, toUiSpan, type UiSpan } from '../../ui/src/lib/otel';
import { buildSpanTree, timelineBar, traceBounds, visibleRows } from '../../ui/src/lib/span-tree';

function makeSpan(over: Partial<UiSpan> & { id: string }): UiSpan {
  return { parentId: null, name: over.id, startMs: 0, endMs: 10, status: 'OK', statusMessage: '', type: 'CHAIN', attributes: {}, events: [], ...over };
}

describe('span tree', () => {
  test('children are nested under their parent and ordered by start time', () => {
    const roots = buildSpanTree([
      makeSpan({ id: 'b', parentId: 'root', startMs: 5 }),
      makeSpan({ id: 'root' }),
      makeSpan({ id: 'a', parentId: 'root', startMs: 1 }),
    ]);
    expect(roots.map((r) => r.span.id)).toEqual(['root']);
    expect(roots[0].children.map((c) => c.span.id)).toEqual(['a', 'b']);
    expect(roots[0].children[0].depth).toBe(1);
  });

  test('spans whose parent never arrived stay visible as roots', () => {
    const roots = buildSpanTree([makeSpan({ id: 'root' }), makeSpan({ id: 'orphan', parentId: 'missing', startMs: 3 })]);
    expect(roots.map((r) => r.span.id)).toEqual(['root', 'orphan']);
  });

  test('tokens, cost and errors roll up from descendants', () => {
    const roots = buildSpanTree([
      makeSpan({ id: 'root' }),
      makeSpan({ id: 'llm1', parentId: 'root', attributes: { 'mlflow.chat.tokenUsage': { input_tokens: 10, output_tokens: 5, total_tokens: 15 }, 'mlflow.llm.cost': { total_cost: 0.5 } } }),
      makeSpan({ id: 'llm2', parentId: 'llm1', status: 'ERROR', attributes: { 'mlflow.chat.tokenUsage': { input_tokens: 1, output_tokens: 1 } } }),
    ]);
    expect(roots[0].rollup).toEqual({ tokens: 17, cost: 0.5, errors: 1 });
    expect(roots[0].children[0].rollup.tokens).toBe(17);
  });

  test('collapsing a node hides its descendants from the visible rows only', () => {
    const roots = buildSpanTree([makeSpan({ id: 'r' }), makeSpan({ id: 'c', parentId: 'r' }), makeSpan({ id: 'g', parentId: 'c' })]);
    expect(visibleRows(roots, new Set()).map((n) => n.span.id)).toEqual(['r', 'c', 'g']);
    expect(visibleRows(roots, new Set(['c'])).map((n) => n.span.id)).toEqual(['r', 'c']);
  });

  test('a 100,000-deep chain builds without overflowing the stack', () => {
    const spans = Array.from({ length: 100_000 }, (_, i) => makeSpan({ id: `s${i}`, parentId: i ? `s${i - 1}` : null, startMs: i }));
    const rows = visibleRows(buildSpanTree(spans), new Set());
    expect(rows).toHaveLength(100_000);
    expect(rows[99_999].depth).toBe(99_999);
  });
});

describe('timeline geometry', () => {
  test.for([
    [{ startMs: 0, endMs: 100 }, { left: 0, width: 1 }],
    [{ startMs: 25, endMs: 75 }, { left: 0.25, width: 0.5 }],
    [{ startMs: 90, endMs: 200 }, { left: 0.9, width: 0.1 }],
  ] as const)('span %o sits at %o of a 0–100 ms trace', ([times, expected]) => {
    const bar = timelineBar(makeSpan({ id: 'x', ...times }), 0, 100);
    expect(bar.left).toBeCloseTo(expected.left);
    expect(bar.width).toBeCloseTo(expected.width);
  });

  test('trace bounds span the earliest start and the latest end', () => {
    expect(traceBounds([makeSpan({ id: 'a', startMs: 5, endMs: 9 }), makeSpan({ id: 'b', startMs: 2, endMs: 7 })])).toEqual({ start: 2, end: 9 });
  });
});

describe('OTel span JSON decoding', () => {
  test('base64 ids become hex, AnyValue attributes and JSON strings are decoded, ns become ms', () => {
    const raw: OtelSpan = {
      trace_id: 'CvdlGRbNQ92ESOshHIAxnA==',
      span_id: 'ALxLYYq3Rhw=',
      name: 'root',
      start_time_unix_nano: '1745920800123456789',
      end_time_unix_nano: '1745920800655456789',
      attributes: [
        { key: 'mlflow.spanType', value: { string_value: '"CHAIN"' } },
        { key: 'mlflow.spanInputs', value: { kvlist_value: { values: [{ key: 'x', value: { int_value: '1' } }] } } },
      ],
      status: { code: 'STATUS_CODE_ERROR', message: 'boom' },
    };
    const s = toUiSpan(raw);
    expect(s.id).toBe('00bc4b618ab7461c');
    expect(idToHex(raw.trace_id)).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(s.type).toBe('CHAIN');
    expect(s.attributes['mlflow.spanInputs']).toEqual({ x: 1 });
    expect(s.status).toBe('ERROR');
    expect(s.endMs - s.startMs).toBeCloseTo(532, 3);
  });
});
