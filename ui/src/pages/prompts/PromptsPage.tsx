import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api/mlflow';
import { EmptyState, ErrorBanner, Loading } from '../../components/common/Status';
import { formatTime } from '../../lib/format';

/** Registered prompts with their aliases and latest version. */
export function PromptsPage() {
  const [params, setParams] = useSearchParams();
  const filter = params.get('filter') ?? '';
  const query = useQuery({ queryKey: ['prompts', filter], queryFn: () => api.searchPrompts(filter || undefined) });
  const prompts = query.data?.registered_models ?? [];
  return (
    <>
      <h1>Prompts</h1>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          const v = String(new FormData(e.currentTarget).get('filter') ?? '');
          setParams(v ? { filter: v } : {});
        }}
      >
        <input className="search" name="filter" defaultValue={filter} placeholder="name LIKE '%qa%'" aria-label="Prompt filter" />
        <button type="submit">Search</button>
      </form>
      <ErrorBanner error={query.error} />
      {query.isLoading ? (
        <Loading />
      ) : prompts.length === 0 ? (
        <EmptyState title="No prompts yet">
          Register one with <code>mlflow.genai.register_prompt(name, template)</code>, <code>registerPrompt()</code> from <code>glassbox/prompts</code>, or{' '}
          <code>glassbox prompts register NAME --file prompt.txt</code>.
        </EmptyState>
      ) : (
        <table className="grid">
          <thead>
            <tr>
              <th>Name</th>
              <th>Latest version</th>
              <th>Aliases</th>
              <th>Description</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {prompts.map((p) => (
              <tr key={p.name}>
                <td>
                  <Link to={`/prompts/${encodeURIComponent(p.name)}`}>{p.name}</Link>
                </td>
                <td>{p.latest_versions?.map((v) => v.version).sort((a, b) => Number(b) - Number(a))[0] ?? ''}</td>
                <td>
                  {(p.aliases ?? []).map((a) => (
                    <span key={a.alias} className="badge" style={{ marginRight: 4 }}>
                      {a.alias} → v{a.version}
                    </span>
                  ))}
                </td>
                <td className="muted">{p.description}</td>
                <td>{formatTime(p.last_updated_timestamp ?? p.creation_timestamp)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
