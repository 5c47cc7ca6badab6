import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, type KeyboardEvent } from 'react';
import { formatDuration } from '../../lib/format';
import { timelineBar, visibleRows, type SpanNode } from '../../lib/span-tree';

interface Props {
  roots: SpanNode[];
  bounds: { start: number; end: number };
  collapsed: ReadonlySet<string>;
  onToggle(id: string): void;
  selectedId: string | undefined;
  onSelect(id: string): void;
}

const ROW_HEIGHT = 28;

/**
 * Span tree and waterfall in one virtualised list: only the rows on screen are rendered, so a
 * 100,000-span trace opens without freezing. Arrow keys move the selection; left/right collapse
 * and expand.
 */
export function SpanWaterfall({ roots, bounds, collapsed, onToggle, selectedId, onSelect }: Props) {
  const rows = useMemo(() => visibleRows(roots, collapsed), [roots, collapsed]);
  const indexById = useMemo(() => new Map(rows.map((r, i) => [r.span.id, i])), [rows]);
  const parentRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => parentRef.current, estimateSize: () => ROW_HEIGHT, overscan: 20 });

  const onKeyDown = (e: KeyboardEvent) => {
    const i = selectedId ? (indexById.get(selectedId) ?? 0) : -1;
    const node = rows[i];
    let next = i;
    if (e.key === 'ArrowDown' || e.key === 'j') next = Math.min(rows.length - 1, i + 1);
    else if (e.key === 'ArrowUp' || e.key === 'k') next = Math.max(0, i - 1);
    else if (e.key === 'ArrowLeft' && node) {
      if (node.children.length && !collapsed.has(node.span.id)) onToggle(node.span.id);
      else if (node.span.parentId && indexById.has(node.span.parentId)) next = indexById.get(node.span.parentId)!;
    } else if (e.key === 'ArrowRight' && node && collapsed.has(node.span.id)) onToggle(node.span.id);
    else return;
    e.preventDefault();
    if (next !== i && rows[next]) {
      onSelect(rows[next].span.id);
      virtualizer.scrollToIndex(next, { align: 'auto' });
    }
  };

  return (
    <div ref={parentRef} className="span-rows" tabIndex={0} onKeyDown={onKeyDown} role="tree" aria-label="Spans">
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const node = rows[item.index];
          const { span } = node;
          const bar = timelineBar(span, bounds.start, bounds.end);
          const isCollapsed = collapsed.has(span.id);
          return (
            <div
              key={span.id}
              role="treeitem"
              aria-selected={span.id === selectedId}
              aria-expanded={node.children.length ? !isCollapsed : undefined}
              className={`span-row${span.id === selectedId ? ' selected' : ''}`}
              style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${item.start}px)` }}
              onClick={() => onSelect(span.id)}
              data-span-name={span.name}
            >
              <div className="span-name" style={{ paddingLeft: 6 + Math.min(node.depth, 40) * 14 }}>
                <span
                  className="span-toggle"
                  onClick={(e) => {
                    e.stopPropagation();
                    if (node.children.length) onToggle(span.id);
                  }}
                >
                  {node.children.length ? (isCollapsed ? '▸' : '▾') : ''}
                </span>
                <span className="span-type">{span.type}</span>
                <span style={{ color: span.status === 'ERROR' ? 'var(--err)' : undefined }}>{span.name}</span>
              </div>
              <div className="span-bar-track">
                <div className={`span-bar ${span.status}`} style={{ left: `${bar.left * 100}%`, width: `${bar.width * 100}%` }} />
                <span className="span-dur" style={{ left: `calc(${Math.min((bar.left + bar.width) * 100, 85)}% + 4px)` }}>
                  {formatDuration(span.endMs - span.startMs)}
                </span>
              </div>
            </div>
          );
        })}
      </div>
    </div>
  );
}
