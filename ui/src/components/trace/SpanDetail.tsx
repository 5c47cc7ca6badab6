import { useState } from 'react';
import { formatCost, formatDuration, formatNumber } from '../../lib/format';
import { spanCost, spanTokens, type UiSpan } from '../../lib/otel';
import { JsonView } from '../common/JsonView';
import { SpanContent } from './SpanContent';

type Tab = 'io' | 'attributes' | 'events';

/** The selected span: inputs/outputs (as chat or documents where they are), raw attributes, events. */
export function SpanDetail({ span }: { span: UiSpan }) {
  const [tab, setTab] = useState<Tab>('io');
  const tokens = spanTokens(span);
  const cost = spanCost(span);
  const exceptions = span.events.filter((e) => e.name === 'exception');
  return (
    <div className="panel">
      <h2 style={{ marginTop: 0 }}>
        {span.name} <span className="span-type">{span.type}</span> <span className={`badge ${span.status}`}>{span.status}</span>
      </h2>
      <div className="stat-row">
        <div className="stat">
          <span className="label">Duration</span>
          <span className="value">{formatDuration(span.endMs - span.startMs)}</span>
        </div>
        {tokens && (
          <div className="stat">
            <span className="label">Tokens (in / out)</span>
            <span className="value">
              {formatNumber(tokens.input)} / {formatNumber(tokens.output)}
            </span>
          </div>
        )}
        {cost !== undefined && (
          <div className="stat">
            <span className="label">Cost</span>
            <span className="value">{formatCost(cost)}</span>
          </div>
        )}
        {span.attributes['mlflow.llm.model'] !== undefined && (
          <div className="stat">
            <span className="label">Model</span>
            <span className="value">{String(span.attributes['mlflow.llm.model'])}</span>
          </div>
        )}
      </div>
      {span.status === 'ERROR' && <div className="error-banner">{span.statusMessage || 'Span failed'}</div>}
      {exceptions.map((e, i) => (
        <pre key={i} className="error-banner">
          {String(e.attributes['exception.type'] ?? '')}: {String(e.attributes['exception.message'] ?? '')}
          {e.attributes['exception.stacktrace'] ? `\n${String(e.attributes['exception.stacktrace'])}` : ''}
        </pre>
      ))}
      <div className="tabs">
        {(['io', 'attributes', 'events'] as const).map((t) => (
          <a key={t} href="#" className={tab === t ? 'active' : ''} onClick={(e) => (e.preventDefault(), setTab(t))}>
            {t === 'io' ? 'Inputs / Outputs' : t === 'attributes' ? 'Attributes' : `Events (${span.events.length})`}
          </a>
        ))}
      </div>
      {tab === 'io' && (
        <>
          <h2>Inputs</h2>
          <SpanContent value={span.attributes['mlflow.spanInputs']} />
          <h2>Outputs</h2>
          <SpanContent value={span.attributes['mlflow.spanOutputs']} />
        </>
      )}
      {tab === 'attributes' && <JsonView value={span.attributes} />}
      {tab === 'events' && (span.events.length ? <JsonView value={span.events} /> : <div className="muted">No events.</div>)}
    </div>
  );
}
