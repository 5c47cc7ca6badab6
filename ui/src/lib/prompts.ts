import { diffLines } from 'diff';
import type { KeyValue, ModelVersion } from '../api/types';

export const tagOf = (tags: KeyValue[] | undefined, key: string) => tags?.find((t) => t.key === key)?.value;

/** A prompt version's template as text (chat templates are JSON lists of messages; shown one per block). */
export function templateText(v: ModelVersion): string {
  const raw = tagOf(v.tags, 'mlflow.prompt.text') ?? '';
  if (tagOf(v.tags, '_mlflow_prompt_type') !== 'chat') return raw;
  try {
    const msgs = JSON.parse(raw) as { role: string; content: string }[];
    return msgs.map((m) => `[${m.role}]\n${m.content}`).join('\n\n');
  } catch {
    return raw;
  }
}

/** Template variables: {{name}} or {{ name }}, in order of first use. */
export function templateVariables(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\{\{\s*([\w.-]+)\s*\}\}/g)) if (!out.includes(m[1])) out.push(m[1]);
  return out;
}

export interface DiffRow {
  left?: string;
  right?: string;
  kind: 'same' | 'removed' | 'added' | 'changed';
}

/** Side-by-side rows from a line diff: removed lines face the added lines that replaced them. */
export function sideBySide(a: string, b: string): DiffRow[] {
  const rows: DiffRow[] = [];
  const parts = diffLines(a, b);
  const lines = (s: string) => s.replace(/\n$/, '').split('\n');
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (!p.added && !p.removed) lines(p.value).forEach((l) => rows.push({ left: l, right: l, kind: 'same' }));
    else if (p.removed && parts[i + 1]?.added) {
      const left = lines(p.value);
      const right = lines(parts[i + 1].value);
      for (let j = 0; j < Math.max(left.length, right.length); j++) rows.push({ left: left[j], right: right[j], kind: 'changed' });
      i++;
    } else if (p.removed) lines(p.value).forEach((l) => rows.push({ left: l, kind: 'removed' }));
    else lines(p.value).forEach((l) => rows.push({ right: l, kind: 'added' }));
  }
  return rows;
}
