import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api/mlflow';
import { JsonView } from '../../components/common/JsonView';
import { ErrorBanner, Loading } from '../../components/common/Status';
import { formatDuration } from '../../lib/format';
import { toUiSpan } from '../../lib/otel';
import { alignTraces, type AlignedRow } from '../../lib/trace-diff';

function delta(v: number | undefined, unit: (n: number) => string) {
  if (v === undefined || v === 0) return '';
  return <span style={{ color: v > 0 ? 'var(--err)' : 'var(--ok)' }}>{`${v > 0 ? '+' : '−'}${unit(Math.abs(v))}`}</span>;
}

/** Two traces side by side, spans aligned by name and position, differences highlighted. */
export function CompareTracesPage() {
  const [params, setParams] = useSearchParams();
  const a = params.get('a') ?? '';
  const b = params.get('b') ?? '';
  const [picked, setPicked] = useState<AlignedRow>();
  const ta = useQuery({ queryKey: ['trace', a], queryFn: () => api.getTrace(a), enabled: !!a });
  const tb = useQuery({ queryKey: ['trace', b], queryFn: () => api.getTrace(b), enabled: !!b });
  const rows = useMemo(
    () => (ta.data && tb.data ? alignTraces(ta.data.trace.spans.map(toUiSpan), tb.data.trace.spans.map(toUiSpan)) : []),
    [ta.data, tb.data],
  );
  return (
    <>
      <h1>Compare traces</h1>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          setParams({ a: String(f.get('a') ?? ''), b: String(f.get('b') ?? '') });
        }}
      >
        <input name="a" defaultValue={a} placeholder="tr-… (left)" aria-label="Left trace" style={{ width: 330 }} />
        <input name="b" defaultValue={b} placeholder="tr-… (right)" aria-label="Right trace" style={{ width: 330 }} />
        <button type="submit">Compare</button>
      </form>
      <ErrorBanner error={ta.error ?? tb.error} />
      {!a || !b ? (
        <div className="empty">
          <strong>Pick two traces</strong>Paste two trace ids, or use “Compare with…” on a trace page.
        </div>
      ) : ta.isLoading || tb.isLoading ? (
        <Loading />
      ) : (
        <div className="trace-split">
          <table className="grid" data-testid="aligned">
            <thead>
              <tr>
                <th>
                  <Link to={`/traces/${a}`}>Left</Link>
                </th>
                <th>
                  <Link to={`/traces/${b}`}>Right</Link>
                </th>
                <th>Latency</th>
                <th>Tokens</th>
                <th>I/O</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.key} onClick={() => setPicked(r)} className={picked?.key === r.key ? 'selected' : ''} style={{ cursor: 'pointer' }}>
                  <td style={{ paddingLeft: 10 + r.depth * 14 }}>{r.a?.name ?? <span className="muted">—</span>}</td>
                  <td style={{ paddingLeft: 10 + r.depth * 14 }}>{r.b?.name ?? <span className="muted">—</span>}</td>
                  <td>{delta(r.latencyDelta, formatDuration)}</td>
                  <td>{delta(r.tokenDelta, (n) => String(n))}</td>
                  <td>{r.a && r.b && (r.inputsDiffer || r.outputsDiffer) ? <span className="badge RUNNING">{r.inputsDiffer ? 'inputs ' : ''}{r.outputsDiffer ? 'outputs' : ''}</span> : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {picked ? (
            <div className="panel">
              <h2 style={{ marginTop: 0 }}>Outputs</h2>
              <div className="cards">
                <JsonView value={picked.a?.attributes['mlflow.spanOutputs'] ?? '—'} />
                <JsonView value={picked.b?.attributes['mlflow.spanOutputs'] ?? '—'} />
              </div>
              <h2>Inputs</h2>
              <div className="cards">
                <JsonView value={picked.a?.attributes['mlflow.spanInputs'] ?? '—'} />
                <JsonView value={picked.b?.attributes['mlflow.spanInputs'] ?? '—'} />
              </div>
            </div>
          ) : (
            <div className="muted">Select a row to see both sides' inputs and outputs.</div>
          )}
        </div>
      )}
    </>
  );
}
