import { useState, type KeyboardEvent } from 'react';

/**
 * Keyboard navigation for a table: ↓/j and ↑/k move the highlighted row, Enter opens it. Returns
 * the highlighted index and the props to spread on the focusable table element.
 */
export function useListKeys(count: number, open: (index: number) => void) {
  const [active, setActive] = useState(-1);
  const onKeyDown = (e: KeyboardEvent) => {
    if (!count) return;
    if (e.key === 'ArrowDown' || e.key === 'j') setActive((i) => Math.min(count - 1, i + 1));
    else if (e.key === 'ArrowUp' || e.key === 'k') setActive((i) => Math.max(0, i - 1));
    else if (e.key === 'Enter' && active >= 0) open(active);
    else return;
    e.preventDefault();
  };
  return { active, tableProps: { tabIndex: 0, onKeyDown, 'aria-activedescendant': active >= 0 ? `row-${active}` : undefined } };
}
