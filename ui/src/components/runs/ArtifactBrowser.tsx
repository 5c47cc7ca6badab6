import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/mlflow';
import type { FileInfo } from '../../api/types';
import { parseDelimited, previewKind } from '../../lib/csv';
import { JsonView } from '../common/JsonView';
import { ErrorBanner, Loading } from '../common/Status';

function Folder({ runId, path, depth, onOpen, selected }: { runId: string; path?: string; depth: number; onOpen(f: FileInfo): void; selected?: string }) {
  const [open, setOpen] = useState<Set<string>>(new Set());
  const list = useQuery({ queryKey: ['artifacts', runId, path ?? ''], queryFn: () => api.listArtifacts(runId, path) });
  if (list.isLoading) return <Loading />;
  if (list.error) return <ErrorBanner error={list.error} />;
  const files = list.data?.files ?? [];
  if (!files.length && depth === 0) return <div className="muted">No artifacts. Log one with mlflow.log_artifact().</div>;
  return (
    <ul style={{ listStyle: 'none', margin: 0, paddingLeft: depth ? 16 : 0 }}>
      {files.map((f) => (
        <li key={f.path}>
          <a
            href="#"
            style={{ fontWeight: f.path === selected ? 700 : undefined }}
            onClick={(e) => {
              e.preventDefault();
              if (f.is_dir) setOpen((s) => (s.has(f.path) ? new Set([...s].filter((x) => x !== f.path)) : new Set([...s, f.path])));
              else onOpen(f);
            }}
          >
            {f.is_dir ? (open.has(f.path) ? '📂 ' : '📁 ') : '📄 '}
            {f.path.split('/').pop()}
          </a>
          {!f.is_dir && f.file_size !== undefined && <span className="muted"> {(f.file_size / 1024).toFixed(1)} KB</span>}
          {f.is_dir && open.has(f.path) && <Folder runId={runId} path={f.path} depth={depth + 1} onOpen={onOpen} selected={selected} />}
        </li>
      ))}
    </ul>
  );
}

function Preview({ runId, file }: { runId: string; file: FileInfo }) {
  const kind = previewKind(file.path);
  const url = api.artifactUrl(runId, file.path);
  const content = useQuery({
    queryKey: ['artifact', runId, file.path],
    enabled: kind !== 'image' && kind !== 'none' && (file.file_size ?? 0) < 2_000_000,
    queryFn: async () => {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`Download failed: HTTP ${res.status}`);
      return res.text();
    },
  });
  return (
    <div className="panel">
      <div className="toolbar">
        <strong>{file.path}</strong>
        <a href={url} download>
          Download
        </a>
      </div>
      <ErrorBanner error={content.error} />
      {kind === 'image' && <img src={url} alt={file.path} style={{ maxWidth: '100%' }} />}
      {kind === 'none' && <div className="muted">No preview for this file type.</div>}
      {content.data !== undefined && kind === 'text' && <pre>{content.data}</pre>}
      {content.data !== undefined && kind === 'json' && <JsonView value={(() => { try { return JSON.parse(content.data); } catch { return content.data; } })()} />}
      {content.data !== undefined && kind === 'table' && (
        <table className="grid">
          <tbody>
            {parseDelimited(content.data, file.path.endsWith('.tsv') ? '\t' : ',').map((row, i) => (
              <tr key={i}>
                {row.map((cell, j) => (i === 0 ? <th key={j}>{cell}</th> : <td key={j}>{cell}</td>))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** Browses a run's artifacts as a tree, with text, JSON, image and table previews and download. */
export function ArtifactBrowser({ runId }: { runId: string }) {
  const [file, setFile] = useState<FileInfo>();
  return (
    <div className="trace-split">
      <div className="panel">
        <Folder runId={runId} depth={0} onOpen={setFile} selected={file?.path} />
      </div>
      {file ? <Preview runId={runId} file={file} /> : <div className="muted">Select a file to preview it.</div>}
    </div>
  );
}
