import type { ModelVersion, RegisteredModel } from '../server/schemas/registry.js';
import { type ClientOptions, RegistryClient } from './client.js';
import { EXPERIMENT_IDS_TAG, IS_PROMPT_TAG } from './constants.js';
import { type Prompt, promptFromRegistry } from './prompt.js';

/** A prompt as search lists it: its metadata, not a version. */
export interface PromptInfo {
  name: string;
  description: string;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
  /** Prompt-level tags without MLflow's internal ones. */
  tags: Record<string, string>;
  aliases: { alias: string; version: string }[];
  /** The highest version number, when the server reports it (latest_versions). */
  latestVersion?: number;
}

const IS_PROMPT_FILTER = `tags.\`${IS_PROMPT_TAG}\` = 'true'`;

function toInfo(m: RegisteredModel): PromptInfo {
  const latest = (m.latest_versions ?? []).map((v) => Number(v.version));
  return {
    name: m.name,
    description: m.description ?? '',
    creationTimestamp: m.creation_timestamp,
    lastUpdatedTimestamp: m.last_updated_timestamp,
    tags: Object.fromEntries((m.tags ?? []).filter((t) => t.key !== IS_PROMPT_TAG && t.key !== EXPERIMENT_IDS_TAG).map((t) => [t.key, t.value])),
    aliases: m.aliases ?? [],
    ...(latest.length ? { latestVersion: Math.max(...latest) } : {}),
  };
}

/**
 * MLflow's search_prompts accepts `experiment_id = '3'` and rewrites it to the tag the client
 * maintains (`_mlflow_experiment_ids` = ",0,3,"); the server has no such column.
 */
function experimentFilter(filter: string): string {
  return filter.replace(/\bexperiment_id\s*=\s*(['"])(\d+)\1/g, (_m, _q, id: string) => `tags.${EXPERIMENT_IDS_TAG} LIKE '%,${id},%'`);
}

/**
 * Lists prompts (never ordinary models), following pages until `maxResults` (all when omitted).
 * `filter` uses MLflow's registry grammar and is ANDed with the prompt marker, as search_prompts does.
 *
 * @example
 * ```ts
 * import { searchPrompts } from 'glassbox/prompts';
 * const prompts = await searchPrompts({ filter: "name LIKE 'support-%'" });
 * for (const p of prompts) console.log(p.name, p.latestVersion);
 * ```
 */
export async function searchPrompts(options: ClientOptions & { filter?: string; maxResults?: number } = {}): Promise<PromptInfo[]> {
  const client = new RegistryClient(options);
  const filter = options.filter?.trim() ? `${IS_PROMPT_FILTER} AND ${experimentFilter(options.filter)}` : IS_PROMPT_FILTER;
  const out: PromptInfo[] = [];
  let pageToken: string | undefined;
  do {
    const pageSize = Math.min(1000, options.maxResults !== undefined ? options.maxResults - out.length : 1000);
    const page = await client.request<{ registered_models?: RegisteredModel[]; next_page_token?: string }>('GET', '/registered-models/search', {
      filter,
      max_results: pageSize,
      page_token: pageToken,
    });
    out.push(...(page.registered_models ?? []).map(toInfo));
    pageToken = page.next_page_token || undefined;
  } while (pageToken && (options.maxResults === undefined || out.length < options.maxResults));
  return out;
}

/**
 * Every version of a prompt, newest first (the model-versions search MLflow's client uses).
 *
 * @example
 * ```ts
 * const versions = await listPromptVersions('qa');
 * console.log(versions.map((v) => `${v.version}: ${v.commitMessage}`));
 * ```
 */
export async function listPromptVersions(name: string, options: ClientOptions = {}): Promise<Prompt[]> {
  const client = new RegistryClient(options);
  const model = await client.getModel(name);
  const filter = `name = '${name.replace(/'/g, "\\'")}' AND tag.\`${IS_PROMPT_TAG}\` = 'true'`;
  const out: Prompt[] = [];
  let pageToken: string | undefined;
  do {
    const page = await client.request<{ model_versions?: ModelVersion[]; next_page_token?: string }>('GET', '/model-versions/search', {
      filter,
      order_by: ['version_number DESC'],
      page_token: pageToken,
    });
    out.push(...(page.model_versions ?? []).map((mv) => promptFromRegistry(model, mv)));
    pageToken = page.next_page_token || undefined;
  } while (pageToken);
  return out;
}
