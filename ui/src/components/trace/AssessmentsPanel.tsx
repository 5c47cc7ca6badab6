import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/mlflow';
import type { Assessment } from '../../api/types';
import { ErrorBanner } from '../common/Status';

function valueText(a: Assessment): string {
  const v = a.feedback?.value ?? a.expectation?.value;
  if (a.feedback?.error) return `error: ${a.feedback.error.error_message ?? a.feedback.error.error_code}`;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Assessments on a trace (feedback with rationale, expectations) and a form to add human feedback. */
export function AssessmentsPanel({ traceId, assessments }: { traceId: string; assessments: Assessment[] }) {
  const qc = useQueryClient();
  const [name, setName] = useState('correctness');
  const [value, setValue] = useState('yes');
  const [rationale, setRationale] = useState('');
  const add = useMutation({
    mutationFn: () =>
      api.createAssessment(traceId, {
        assessment_name: name,
        trace_id: traceId,
        source: { source_type: 'HUMAN', source_id: 'glassbox-ui' },
        feedback: { value: value === 'yes' ? true : value === 'no' ? false : Number.isNaN(Number(value)) ? value : Number(value) },
        rationale: rationale || undefined,
      }),
    onSuccess: () => {
      setRationale('');
      qc.invalidateQueries({ queryKey: ['trace', traceId] });
    },
  });
  return (
    <div className="panel" style={{ marginTop: 12 }}>
      <h2 style={{ marginTop: 0 }}>Assessments</h2>
      {assessments.length === 0 && <div className="muted">No assessments yet. Add human feedback below, or run an evaluation.</div>}
      {assessments.map((a) => (
        <div key={a.assessment_id} className="doc" style={{ opacity: a.valid === false ? 0.5 : 1, marginBottom: 8 }}>
          <strong>{a.assessment_name}</strong> = <code>{valueText(a)}</code>{' '}
          <span className="muted">
            {a.source.source_type}
            {a.source.source_id ? ` · ${a.source.source_id}` : ''}
            {a.valid === false ? ' · overridden' : ''}
          </span>
          {a.rationale && <div className="chat-text muted">{a.rationale}</div>}
        </div>
      ))}
      <form
        className="toolbar"
        style={{ marginTop: 10 }}
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate();
        }}
      >
        <input value={name} onChange={(e) => setName(e.target.value)} aria-label="Feedback name" style={{ width: 140 }} />
        <select value={value} onChange={(e) => setValue(e.target.value)} aria-label="Feedback value">
          <option value="yes">yes</option>
          <option value="no">no</option>
          <option value="1">1</option>
          <option value="0.5">0.5</option>
          <option value="0">0</option>
        </select>
        <input value={rationale} onChange={(e) => setRationale(e.target.value)} placeholder="Rationale (optional)" style={{ flex: 1 }} />
        <button className="primary" type="submit" disabled={add.isPending || !name}>
          Add feedback
        </button>
      </form>
      <ErrorBanner error={add.error} />
    </div>
  );
}
