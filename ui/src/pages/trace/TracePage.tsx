import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { api } from '../../api/mlflow';
import { ErrorBanner, Loading } from '../../components/common/Status';
import { AssessmentsPanel } from '../../components/trace/AssessmentsPanel';
import { SpanDetail } from '../../components/trace/SpanDetail';
import { SpanWaterfall } from '../../components/trace/SpanWaterfall';
import { formatCost, formatDuration, formatNumber } from '../../lib/format';
import { toUiSpan } from '../../lib/otel';
import { buildSpanTree, traceBounds } from '../../lib/span-tree';

/** Trace detail: span tree + waterfall side by side, the selected span (kept in the URL), roll-ups, assessments. */
export function TracePage() {
  const { traceId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  // Local state answers key presses at once; the URL copy makes the selection shareable.
  const [selectedId, setSelectedId] = useState<string | undefined>(() => params.get('span') ?? undefined);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const query = useQuery({ queryKey: ['trace', traceId], queryFn: () => api.getTrace(traceId) });

  const model = useMemo(() => {
    const spans = (query.data?.trace.spans ?? []).map(toUiSpan);
    const roots = buildSpanTree(spans);
    return { spans, roots, bounds: traceBounds(spans) };
  }, [query.data]);

  if (query.isLoading) return <Loading />;
  if (query.error) return <ErrorBanner error={query.error} />;
  const info = query.data!.trace.trace_info;
  const selected = model.spans.find((s) => s.id === selectedId) ?? model.roots[0]?.span;
  const totals = model.roots.reduce((acc, r) => ({ tokens: acc.tokens + r.rollup.tokens, cost: acc.cost + r.rollup.cost, errors: acc.errors + r.rollup.errors }), { tokens: 0, cost: 0, errors: 0 });
  const experimentId = info.trace_location.mlflow_experiment?.experiment_id;
  const select = (id: string) => {
    setSelectedId(id);
    setParams((p) => (p.set('span', id), p), { replace: true });
  };
  const toggle = (id: string) =>
    setCollapsed((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <>
      <div className="muted">
        {experimentId && <Link to={`/experiments/${experimentId}/traces`}>← Traces</Link>} · <Link to={`/compare?a=${traceId}`}>Compare with…</Link>
      </div>
      <h1>
        {info.tags?.['mlflow.traceName'] ?? model.roots[0]?.span.name ?? traceId} <span className={`badge ${info.state}`}>{info.state}</span>
      </h1>
      <div className="stat-row">
        <div className="stat">
          <span className="label">Trace</span>
          <span className="value" style={{ fontSize: 12 }}>
            <code>{traceId}</code>
          </span>
        </div>
        <div className="stat">
          <span className="label">Latency</span>
          <span className="value">{formatDuration(model.bounds.end - model.bounds.start)}</span>
        </div>
        <div className="stat">
          <span className="label">Spans</span>
          <span className="value">{formatNumber(model.spans.length)}</span>
        </div>
        <div className="stat">
          <span className="label">Tokens</span>
          <span className="value">{formatNumber(totals.tokens)}</span>
        </div>
        <div className="stat">
          <span className="label">Cost</span>
          <span className="value">{formatCost(totals.cost)}</span>
        </div>
        <div className="stat">
          <span className="label">Errors</span>
          <span className="value">{totals.errors}</span>
        </div>
      </div>
      {model.spans.length === 0 ? (
        <div className="empty">
          <strong>No spans stored for this trace yet</strong>
          Spans arrive over OTLP (<code>/v1/traces</code>) or as a <code>traces.json</code> artifact; reload in a moment.
        </div>
      ) : (
        <div className="trace-split">
          <SpanWaterfall roots={model.roots} bounds={model.bounds} collapsed={collapsed} onToggle={toggle} selectedId={selected?.id} onSelect={select} />
          <div>
            {selected && <SpanDetail span={selected} />}
            <AssessmentsPanel traceId={traceId} assessments={info.assessments ?? []} />
          </div>
        </div>
      )}
    </>
  );
}
