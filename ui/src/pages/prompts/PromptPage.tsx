import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { api } from '../../api/mlflow';
import { DiffView } from '../../components/common/DiffView';
import { ErrorBanner, Loading } from '../../components/common/Status';
import { UsedBy } from '../../components/prompts/UsedBy';
import { formatTime } from '../../lib/format';
import { tagOf, templateText, templateVariables } from '../../lib/prompts';

/** One prompt: versions with commit messages, template and variables, diff of any two versions, alias moves. */
export function PromptPage() {
  const { name = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const qc = useQueryClient();
  const model = useQuery({ queryKey: ['prompt', name], queryFn: () => api.getRegisteredModel(name) });
  const versions = useQuery({ queryKey: ['prompt-versions', name], queryFn: () => api.searchModelVersions(name) });
  const list = [...(versions.data?.model_versions ?? [])].sort((a, b) => Number(b.version) - Number(a.version));
  const selected = list.find((v) => v.version === params.get('v')) ?? list[0];
  const against = list.find((v) => v.version === params.get('diff'));
  const [alias, setAlias] = useState('production');
  const [aliasVersion, setAliasVersion] = useState('');
  const move = useMutation({
    mutationFn: () => api.setAlias(name, alias, aliasVersion || selected!.version),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['prompt', name] }),
  });
  const setParam = (k: string, v: string) => setParams((p) => (v ? p.set(k, v) : p.delete(k), p), { replace: true });

  if (model.isLoading || versions.isLoading) return <Loading />;
  const error = model.error ?? versions.error;
  if (error) return <ErrorBanner error={error} />;
  const aliases = model.data?.registered_model.aliases ?? [];
  const text = selected ? templateText(selected) : '';
  return (
    <>
      <div className="muted">
        <Link to="/prompts">← Prompts</Link>
      </div>
      <h1>{name}</h1>
      <div className="toolbar">
        {aliases.map((a) => (
          <span key={a.alias} className="badge">
            @{a.alias} → v{a.version}
          </span>
        ))}
      </div>
      <div className="trace-split">
        <div className="panel">
          <h2 style={{ marginTop: 0 }}>Versions</h2>
          <table className="grid">
            <tbody>
              {list.map((v) => (
                <tr key={v.version} className={v.version === selected?.version ? 'selected' : ''} onClick={() => setParam('v', v.version)} style={{ cursor: 'pointer' }}>
                  <td>v{v.version}</td>
                  <td className="muted">{v.description || tagOf(v.tags, 'mlflow.prompt.commit_message') || ''}</td>
                  <td>{(v.aliases ?? []).map((a) => `@${a}`).join(' ')}</td>
                  <td className="muted">{formatTime(v.creation_timestamp)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <form
            className="toolbar"
            style={{ marginTop: 12 }}
            onSubmit={(e) => {
              e.preventDefault();
              move.mutate();
            }}
          >
            Move alias
            <input value={alias} onChange={(e) => setAlias(e.target.value)} aria-label="Alias" style={{ width: 120 }} />
            to
            <select value={aliasVersion || selected?.version} onChange={(e) => setAliasVersion(e.target.value)} aria-label="Alias version">
              {list.map((v) => (
                <option key={v.version} value={v.version}>
                  v{v.version}
                </option>
              ))}
            </select>
            <button className="primary" type="submit" disabled={move.isPending}>
              Set alias
            </button>
          </form>
          <ErrorBanner error={move.error} />
        </div>
        {selected && (
          <div className="panel">
            <h2 style={{ marginTop: 0 }}>
              v{selected.version} <span className="muted">({tagOf(selected.tags, '_mlflow_prompt_type') ?? 'text'})</span>
            </h2>
            <div className="muted">Variables: {templateVariables(text).map((v) => <code key={v}>{`{{${v}}}`} </code>)}</div>
            <pre data-testid="template">{text}</pre>
            <UsedBy name={name} version={selected.version} />
            <div className="toolbar">
              Diff against
              <select value={against?.version ?? ''} onChange={(e) => setParam('diff', e.target.value)} aria-label="Diff against">
                <option value="">—</option>
                {list
                  .filter((v) => v.version !== selected.version)
                  .map((v) => (
                    <option key={v.version} value={v.version}>
                      v{v.version}
                    </option>
                  ))}
              </select>
            </div>
          </div>
        )}
      </div>
      {selected && against && <DiffView left={templateText(against)} right={text} leftTitle={`v${against.version}`} rightTitle={`v${selected.version}`} />}
    </>
  );
}
