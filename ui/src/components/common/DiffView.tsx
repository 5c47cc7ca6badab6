import { sideBySide } from '../../lib/prompts';

const BG = { same: undefined, removed: 'color-mix(in srgb, var(--err) 14%, transparent)', added: 'color-mix(in srgb, var(--ok) 14%, transparent)', changed: 'color-mix(in srgb, var(--warn) 14%, transparent)' };

/** Two texts side by side, changed lines highlighted. */
export function DiffView({ left, right, leftTitle, rightTitle }: { left: string; right: string; leftTitle: string; rightTitle: string }) {
  const rows = sideBySide(left, right);
  return (
    <table className="grid" data-testid="diff" style={{ tableLayout: 'fixed' }}>
      <thead>
        <tr>
          <th>{leftTitle}</th>
          <th>{rightTitle}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>
            <td style={{ background: r.kind === 'added' ? undefined : BG[r.kind], whiteSpace: 'pre-wrap' }}>
              <code>{r.left ?? ''}</code>
            </td>
            <td style={{ background: r.kind === 'removed' ? undefined : BG[r.kind], whiteSpace: 'pre-wrap' }}>
              <code>{r.right ?? ''}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
