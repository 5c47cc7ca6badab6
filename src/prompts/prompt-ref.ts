/** A prompt reference as an object: a pinned `version`, or an `alias` (`latest` when neither is given). */
export interface PromptRef {
  name: string;
  version?: number | string;
  alias?: string;
}

/**
 * Parses what `loadPrompt` accepts, following MLflow's load_prompt: `prompts:/name/2`,
 * `prompts:/name@alias`, `name@alias`, `name` (the latest version) or a PromptRef object.
 * `prompts:/name/latest` and stage names are rejected, as MLflow rejects them for prompts.
 *
 * @example
 * ```ts
 * parsePromptRef('prompts:/qa/2');      // { name: 'qa', version: 2 }
 * parsePromptRef('qa@production');      // { name: 'qa', alias: 'production' }
 * ```
 */
export function parsePromptRef(ref: string | PromptRef): { name: string; version?: number; alias?: string } {
  if (typeof ref !== 'string') {
    if (ref.version !== undefined && ref.alias !== undefined) throw new Error(`Prompt reference for '${ref.name}' gives both a version and an alias; pick one`);
    if (ref.version !== undefined) return { name: ref.name, version: versionOf(String(ref.version), ref.name) };
    return { name: ref.name, alias: ref.alias ?? 'latest' };
  }
  const body = ref.startsWith('prompts:/') ? ref.slice('prompts:/'.length) : ref;
  const at = body.lastIndexOf('@');
  if (at > 0) return { name: body.slice(0, at), alias: nonEmpty(body.slice(at + 1), ref) };
  const slash = body.indexOf('/');
  if (slash < 0) {
    if (body === '') throw new Error(`Invalid prompt reference '${ref}': no prompt name`);
    return { name: body, alias: 'latest' };
  }
  const name = body.slice(0, slash);
  const rest = body.slice(slash + 1);
  if (!/^\d+$/.test(rest)) {
    throw new Error(`Invalid prompt reference '${ref}': use prompts:/${name}/<version number> or prompts:/${name}@<alias> (such as @latest)`);
  }
  return { name, version: versionOf(rest, name) };
}

function versionOf(v: string, name: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new Error(`Invalid version '${v}' for prompt '${name}': expected a positive integer`);
  return Number(v);
}

function nonEmpty(alias: string, ref: string): string {
  if (alias === '') throw new Error(`Invalid prompt reference '${ref}': empty alias after '@'`);
  return alias;
}
