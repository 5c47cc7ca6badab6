import { JsonView } from '../common/JsonView';

interface ChatMessage {
  role: string;
  content?: unknown;
  tool_calls?: unknown[];
}

/** Finds a chat message list in the shapes LLM spans use (OpenAI request/response, GenAI, plain lists). */
export function chatMessages(value: unknown): ChatMessage[] | undefined {
  const isMsgs = (v: unknown): v is ChatMessage[] => Array.isArray(v) && v.length > 0 && v.every((m) => m && typeof m === 'object' && 'role' in m);
  if (isMsgs(value)) return value;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (isMsgs(o.messages)) return o.messages;
    if (Array.isArray(o.choices)) {
      const msgs = o.choices.map((c) => (c as { message?: ChatMessage }).message).filter(Boolean) as ChatMessage[];
      if (msgs.length) return msgs;
    }
  }
  return undefined;
}

interface Doc {
  page_content?: string;
  content?: string;
  metadata?: Record<string, unknown>;
  id?: string;
  score?: number;
}

/** Retriever outputs: MLflow documents ([{page_content, metadata}]) or OpenInference-style documents. */
export function documents(value: unknown): Doc[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  return value.every((d) => d && typeof d === 'object' && ('page_content' in d || 'content' in d)) ? (value as Doc[]) : undefined;
}

function text(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p === 'object' && p && 'text' in p ? String((p as { text: unknown }).text) : JSON.stringify(p))).join('\n');
  return content === undefined || content === null ? '' : JSON.stringify(content, null, 2);
}

/** Renders a span's inputs or outputs as chat messages, documents, or JSON, whichever fits. */
export function SpanContent({ value }: { value: unknown }) {
  if (value === undefined) return <div className="muted">None recorded.</div>;
  const msgs = chatMessages(value);
  if (msgs) {
    return (
      <div className="chat">
        {msgs.map((m, i) => (
          <div key={i} className={`chat-msg role-${m.role}`}>
            <div className="chat-role">{m.role}</div>
            <div className="chat-text">{text(m.content)}</div>
            {m.tool_calls?.length ? <JsonView value={m.tool_calls} /> : null}
          </div>
        ))}
      </div>
    );
  }
  const docs = documents(value);
  if (docs) {
    return (
      <div className="docs">
        {docs.map((d, i) => (
          <div key={i} className="doc">
            <div className="muted">
              #{i + 1} {d.id ?? (d.metadata?.doc_uri as string) ?? ''} {d.score !== undefined ? `score ${d.score}` : ''}
            </div>
            <div className="chat-text">{d.page_content ?? d.content}</div>
          </div>
        ))}
      </div>
    );
  }
  return <JsonView value={value} />;
}
