import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api } from '../../api/mlflow';
import type { TraceInfo } from '../../api/types';
import { EmptyState, ErrorBanner, Loading } from '../../components/common/Status';
import { ExperimentTabs } from '../../components/common/ExperimentTabs';
import { formatCost, formatDuration, formatNumber, formatTime, parseDuration } from '../../lib/format';
import { combineTraceFilter, traceCost, traceTokens } from '../../lib/trace-filters';
import { useListKeys } from '../../lib/use-list-keys';

const SPAN_TYPES = ['LLM', 'CHAT_MODEL', 'AGENT', 'TOOL', 'RETRIEVER', 'EMBEDDING', 'CHAIN', 'RERANKER'];

function feedbackSummary(t: TraceInfo): string {
  return (t.assessments ?? [])
    .filter((a) => a.feedback && a.valid !== false)
    .map((a) => `${a.assessment_name}=${typeof a.feedback?.value === 'number' ? formatNumber(a.feedback.value) : String(a.feedback?.value ?? 'error')}`)
    .join(', ');
}

/** Traces of an experiment: MLflow trace-filter box, quick filters, infinite scroll, live refresh. State lives in the URL. */
export function TracesPage() {
  const { experimentId = '0' } = useParams();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const q = { filter: params.get('filter') ?? '', status: params.get('status') ?? '', range: params.get('range') ?? '', spanType: params.get('spanType') ?? '' };
  const live = params.get('live') === '1';
  const setParam = (k: string, v: string) => setParams((p) => (v ? p.set(k, v) : p.delete(k), p), { replace: true });

  const query = useInfiniteQuery({
    queryKey: ['traces', experimentId, q],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      api.searchTraces({ experiment_ids: [experimentId], filter: combineTraceFilter(q), max_results: 100, page_token: pageParam, order_by: ['timestamp_ms DESC'] }),
    getNextPageParam: (last) => last.next_page_token || undefined,
    refetchInterval: live ? 5000 : false,
  });
  const traces = query.data?.pages.flatMap((p) => p.traces ?? []) ?? [];
  const keys = useListKeys(traces.length, (i) => navigate(`/traces/${traces[i].trace_id}`));

  const sentinel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = sentinel.current;
    if (!el) return;
    const io = new IntersectionObserver((entries) => {
      if (entries[0].isIntersecting && query.hasNextPage && !query.isFetchingNextPage) query.fetchNextPage();
    });
    io.observe(el);
    return () => io.disconnect();
  }, [query]);

  return (
    <>
      <ExperimentTabs experimentId={experimentId} active="traces" />
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setParam('filter', String(new FormData(e.currentTarget).get('filter') ?? ''));
        }}
      >
        <input className="search" name="filter" defaultValue={q.filter} placeholder="tags.env = 'prod' AND trace.execution_time_ms > 1000" aria-label="Trace filter" />
        <button type="submit">Search</button>
        <select value={q.status} onChange={(e) => setParam('status', e.target.value)} aria-label="Status">
          <option value="">Any status</option>
          <option value="OK">OK</option>
          <option value="ERROR">ERROR</option>
          <option value="IN_PROGRESS">IN_PROGRESS</option>
        </select>
        <select value={q.range} onChange={(e) => setParam('range', e.target.value)} aria-label="Time range">
          <option value="">All time</option>
          <option value="1h">Last hour</option>
          <option value="24h">Last 24 hours</option>
          <option value="7d">Last 7 days</option>
          <option value="30d">Last 30 days</option>
        </select>
        <select value={q.spanType} onChange={(e) => setParam('spanType', e.target.value)} aria-label="Span type">
          <option value="">Any span type</option>
          {SPAN_TYPES.map((t) => (
            <option key={t} value={t}>
              has {t}
            </option>
          ))}
        </select>
        <label>
          <input type="checkbox" checked={live} onChange={(e) => setParam('live', e.target.checked ? '1' : '')} /> Live
        </label>
      </form>
      <ErrorBanner error={query.error} />
      {query.isLoading ? (
        <Loading />
      ) : traces.length === 0 ? (
        <EmptyState title="No traces match">
          Decorate a function with <code>@mlflow.trace</code> (Python) or <code>trace()</code> from the <code>glassbox</code> SDK, or point an OpenTelemetry exporter at{' '}
          <code>{location.origin}/v1/traces</code> with header <code>x-mlflow-experiment-id: {experimentId}</code>.
        </EmptyState>
      ) : (
        <table className="grid" aria-label="Traces" {...keys.tableProps}>
          <thead>
            <tr>
              <th>Name</th>
              <th>Request</th>
              <th>Status</th>
              <th>Time</th>
              <th>Latency</th>
              <th>Tokens</th>
              <th>Cost</th>
              <th>Assessments</th>
            </tr>
          </thead>
          <tbody>
            {traces.map((t, i) => {
              const cost = traceCost(t.trace_metadata);
              return (
                <tr key={t.trace_id} id={`row-${i}`} className={i === keys.active ? 'selected' : ''} onClick={() => navigate(`/traces/${t.trace_id}`)} style={{ cursor: 'pointer' }}>
                  <td>
                    <Link to={`/traces/${t.trace_id}`}>{t.tags?.['mlflow.traceName'] ?? t.trace_id.slice(0, 15)}</Link>
                  </td>
                  <td className="muted" style={{ maxWidth: 320, overflow: 'hidden', textOverflow: 'ellipsis' }}>
                    {t.request_preview}
                  </td>
                  <td>
                    <span className={`badge ${t.state}`}>{t.state}</span>
                  </td>
                  <td>{formatTime(Date.parse(t.request_time))}</td>
                  <td>{formatDuration(parseDuration(t.execution_duration))}</td>
                  <td>{formatNumber(traceTokens(t.trace_metadata))}</td>
                  <td>{formatCost(cost)}</td>
                  <td className="muted">{feedbackSummary(t)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <div ref={sentinel} className="muted" style={{ padding: 10 }}>
        {query.isFetchingNextPage ? 'Loading more…' : query.hasNextPage ? '' : traces.length ? `${traces.length} traces` : ''}
      </div>
    </>
  );
}
