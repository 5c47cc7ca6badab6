import { spanCost, spanTokens, type UiSpan } from './otel';

export interface SpanNode {
  span: UiSpan;
  children: SpanNode[];
  depth: number;
  /** Tokens and cost of this span and all its descendants. */
  rollup: { tokens: number; cost: number; errors: number };
}

/**
 * Builds the span forest. Spans whose parent is missing (not exported yet, or dropped) stay visible
 * as roots rather than vanishing. Children are ordered by start time. Iterative, so 100,000-deep
 * chains do not overflow the stack.
 */
export function buildSpanTree(spans: UiSpan[]): SpanNode[] {
  const nodes = new Map<string, SpanNode>();
  for (const span of spans) nodes.set(span.id, { span, children: [], depth: 0, rollup: { tokens: 0, cost: 0, errors: 0 } });
  const roots: SpanNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.span.parentId ? nodes.get(node.span.parentId) : undefined;
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  const byStart = (a: SpanNode, b: SpanNode) => a.span.startMs - b.span.startMs || a.span.name.localeCompare(b.span.name);
  roots.sort(byStart);
  // Pre-order walk to set depth and sort children; then post-order (reverse) to roll up totals.
  const order: SpanNode[] = [];
  const stack = [...roots].reverse();
  while (stack.length) {
    const node = stack.pop()!;
    order.push(node);
    node.children.sort(byStart);
    for (let i = node.children.length - 1; i >= 0; i--) {
      node.children[i].depth = node.depth + 1;
      stack.push(node.children[i]);
    }
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i];
    n.rollup.tokens += spanTokens(n.span)?.total ?? 0;
    n.rollup.cost += spanCost(n.span) ?? 0;
    n.rollup.errors += n.span.status === 'ERROR' ? 1 : 0;
    for (const c of n.children) {
      n.rollup.tokens += c.rollup.tokens;
      n.rollup.cost += c.rollup.cost;
      n.rollup.errors += c.rollup.errors;
    }
  }
  return roots;
}

/** The rows a tree view shows: pre-order, skipping the descendants of collapsed nodes. */
export function visibleRows(roots: SpanNode[], collapsed: ReadonlySet<string>): SpanNode[] {
  const out: SpanNode[] = [];
  const stack = [...roots].reverse();
  while (stack.length) {
    const node = stack.pop()!;
    out.push(node);
    if (collapsed.has(node.span.id)) continue;
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
  }
  return out;
}

/** Waterfall geometry: where a span's bar starts and how wide it is, as fractions of the trace. */
export function timelineBar(span: UiSpan, traceStartMs: number, traceEndMs: number): { left: number; width: number } {
  const total = Math.max(traceEndMs - traceStartMs, 1e-6);
  const left = Math.min(Math.max((span.startMs - traceStartMs) / total, 0), 1);
  const width = Math.min(Math.max((span.endMs - span.startMs) / total, 0), 1 - left);
  return { left, width };
}

export function traceBounds(spans: UiSpan[]): { start: number; end: number } {
  let start = Infinity;
  let end = -Infinity;
  for (const s of spans) {
    if (s.startMs < start) start = s.startMs;
    if (s.endMs > end) end = s.endMs;
  }
  return spans.length ? { start, end } : { start: 0, end: 0 };
}
