import { describe, expect, test } from 'vitest';
import type { UiSpan } from '../../ui/src/lib/otel';
import { sideBySide, templateVariables } from '../../ui/src/lib/prompts';
import { alignTraces } from '../../ui/src/lib/trace-diff';
import { combineTraceFilter } from '../../ui/src/lib/trace-filters';
import { parseDelimited } from '../../ui/src/lib/csv';

function span(id: string, name: string, parentId: string | null, extra: Partial<UiSpan> = {}): UiSpan {
  return { id, parentId, name, startMs: 0, endMs: 10, status: 'OK', statusMessage: '', type: 'CHAIN', attributes: {}, events: [], ...extra };
}

describe('trace alignment', () => {
  test('spans with the same name at the same place are paired and differences flagged', () => {
    const a = [span('1', 'agent', null), span('2', 'llm', '1', { endMs: 100, attributes: { 'mlflow.spanOutputs': 'hi' } })];
    const b = [span('x', 'agent', null), span('y', 'llm', 'x', { endMs: 250, attributes: { 'mlflow.spanOutputs': 'hello' } })];
    const rows = alignTraces(a, b);
    expect(rows.map((r) => [r.a?.id, r.b?.id])).toEqual([
      ['1', 'x'],
      ['2', 'y'],
    ]);
    expect(rows[1]).toMatchObject({ latencyDelta: 150, outputsDiffer: true, inputsDiffer: false });
  });

  test('repeated same-named children pair by occurrence and extra spans show on one side only', () => {
    const a = [span('r', 'agent', null), span('t1', 'tool', 'r'), span('t2', 'tool', 'r')];
    const b = [span('R', 'agent', null), span('T1', 'tool', 'R'), span('S', 'search', 'R', { startMs: 5 })];
    const rows = alignTraces(a, b);
    expect(rows.map((r) => [r.a?.id ?? null, r.b?.id ?? null])).toEqual([
      ['r', 'R'],
      ['t1', 'T1'],
      ['t2', null],
      [null, 'S'],
    ]);
  });
});

describe('prompt diff and variables', () => {
  test('a changed line faces its replacement; unchanged lines stay aligned', () => {
    expect(sideBySide('a\nb\nc\n', 'a\nB\nc\n')).toEqual([
      { left: 'a', right: 'a', kind: 'same' },
      { left: 'b', right: 'B', kind: 'changed' },
      { left: 'c', right: 'c', kind: 'same' },
    ]);
  });

  test('variables are listed once in order of first use, with or without inner spaces', () => {
    expect(templateVariables('Hi {{ name }}, {{question}} {{name}}')).toEqual(['name', 'question']);
  });
});

describe('trace quick filters', () => {
  test('quick filters join the typed filter with AND', () => {
    expect(combineTraceFilter({ filter: "tags.env = 'prod'", status: 'ERROR', range: '1h', spanType: 'LLM' }, 10_000_000)).toBe(
      "tags.env = 'prod' AND trace.status = 'ERROR' AND trace.timestamp_ms > 6400000 AND span.type = 'LLM'",
    );
    expect(combineTraceFilter({})).toBeUndefined();
  });
});

describe('CSV preview parsing', () => {
  test('quoted fields keep commas, escaped quotes and newlines', () => {
    expect(parseDelimited('a,b\n"x, y","say ""hi"""\r\n1,"2\n3"')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['1', '2\n3'],
    ]);
  });
});
