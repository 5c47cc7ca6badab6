import { spanTokens, type UiSpan } from './otel';
import { buildSpanTree, visibleRows, type SpanNode } from './span-tree';

export interface AlignedRow {
  /** Path of span names from the root, with an occurrence index among same-named siblings. */
  key: string;
  depth: number;
  a?: UiSpan;
  b?: UiSpan;
  inputsDiffer: boolean;
  outputsDiffer: boolean;
  /** b − a, in ms and tokens; undefined when one side is missing. */
  latencyDelta?: number;
  tokenDelta?: number;
}

function keyed(spans: UiSpan[]): { key: string; node: SpanNode }[] {
  const out: { key: string; node: SpanNode }[] = [];
  const seen = new Set<string>();
  const pathOf = new Map<string, string>();
  for (const node of visibleRows(buildSpanTree(spans), new Set())) {
    const parentPath = node.span.parentId ? (pathOf.get(node.span.parentId) ?? '') : '';
    let i = 0;
    let key: string;
    do key = `${parentPath}/${node.span.name}#${i++}`;
    while (seen.has(key));
    seen.add(key);
    pathOf.set(node.span.id, key);
    out.push({ key, node });
  }
  return out;
}

const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);

/**
 * Aligns two traces span by span: spans match when they have the same name at the same place in
 * the tree (the n-th same-named child of matching parents). Unmatched spans appear on one side only,
 * in the order of the trace they belong to.
 */
export function alignTraces(a: UiSpan[], b: UiSpan[]): AlignedRow[] {
  const left = keyed(a);
  const right = new Map(keyed(b).map((r) => [r.key, r]));
  const rows: AlignedRow[] = [];
  const used = new Set<string>();
  const pushRight = (key: string) => {
    const r = right.get(key)!;
    used.add(key);
    rows.push({ key, depth: r.node.depth, b: r.node.span, inputsDiffer: true, outputsDiffer: true });
  };
  const rightKeys = [...right.keys()];
  const rightIndex = new Map(rightKeys.map((k, i) => [k, i]));
  const leftKeys = new Set(left.map((l) => l.key));
  let cursor = 0;
  for (const l of left) {
    const match = right.get(l.key);
    if (match) {
      // Emit right-only spans that come before this match in trace b.
      const idx = rightIndex.get(l.key)!;
      for (; cursor < idx; cursor++) if (!used.has(rightKeys[cursor]) && !leftKeys.has(rightKeys[cursor])) pushRight(rightKeys[cursor]);
      cursor = Math.max(cursor, idx + 1);
      used.add(l.key);
      const sa = l.node.span;
      const sb = match.node.span;
      rows.push({
        key: l.key,
        depth: l.node.depth,
        a: sa,
        b: sb,
        inputsDiffer: !same(sa.attributes['mlflow.spanInputs'], sb.attributes['mlflow.spanInputs']),
        outputsDiffer: !same(sa.attributes['mlflow.spanOutputs'], sb.attributes['mlflow.spanOutputs']),
        latencyDelta: sb.endMs - sb.startMs - (sa.endMs - sa.startMs),
        tokenDelta: (spanTokens(sb)?.total ?? 0) - (spanTokens(sa)?.total ?? 0),
      });
    } else rows.push({ key: l.key, depth: l.node.depth, a: l.node.span, inputsDiffer: true, outputsDiffer: true });
  }
  for (const k of rightKeys) if (!used.has(k)) pushRight(k);
  return rows;
}
