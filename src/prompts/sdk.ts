import type { ModelVersion, RegisteredModel } from '../server/schemas/registry.js';
import { recordPromptUse } from '../tracing/prompt-link.js';
import { PromptCache, ttlFromSeconds } from './cache.js';
import { GlassboxError } from '../client/errors.js';
import { type ClientOptions, RegistryClient, ServerUnreachableError } from './client.js';
import { IS_PROMPT_TAG, MODEL_CONFIG_TAG, PROMPT_NAME_RULE, PROMPT_TEXT_TAG, PROMPT_TYPE_TAG, RESPONSE_FORMAT_TAG } from './constants.js';
import { Prompt, promptFromRegistry } from './prompt.js';
import { parsePromptRef, type PromptRef } from './prompt-ref.js';
import type { ChatMessage, Template } from './template.js';

/**
 * Shared by every call that passes no `cache`: like MLflow's, it lives as long as the process.
 *
 * @example
 * ```ts
 * defaultPromptCache.clear(); // force the next loadPrompt calls to ask the server
 * ```
 */
export const defaultPromptCache = new PromptCache<Prompt>();

export interface LoadPromptOptions extends ClientOptions {
  /** Return null instead of throwing when the prompt, version or alias does not exist (MLflow's allow_missing). */
  allowMissing?: boolean;
  /** How long an alias or `latest` lookup is cached: explicit ?? MLFLOW_ALIAS_PROMPT_CACHE_TTL_SECONDS ?? 60; 0 disables. */
  cacheTtlSeconds?: number;
  /**
   * Template used only when the server cannot be reached (connection error, timeout, 502/503/504).
   * Any other failure (a missing prompt, a bad alias) still throws: the fallback is never silent.
   */
  fallback?: Template;
  cache?: PromptCache<Prompt>;
}

// Error codes MLflow's load_prompt(allow_missing=True) turns into None.
const MISSING_CODES = new Set(['RESOURCE_DOES_NOT_EXIST', 'INVALID_PARAMETER_VALUE', 'NOT_FOUND']);

const isPromptModel = (m: RegisteredModel) => (m.tags ?? []).some((t) => t.key === IS_PROMPT_TAG && t.value.toLowerCase() === 'true');

async function getPromptModel(client: RegistryClient, name: string): Promise<RegisteredModel> {
  const model = await client.getModel(name);
  if (!isPromptModel(model)) throw new GlassboxError('INVALID_PARAMETER_VALUE', `Name '${name}' is registered as a model, not a prompt.`, 400);
  return model;
}

/**
 * Loads a prompt version by URI or reference, with MLflow's cache policy.
 *
 * @example
 * ```ts
 * import { loadPrompt } from 'glassbox/prompts';
 * const pinned = await loadPrompt('prompts:/qa/2');            // cached forever
 * const prod = await loadPrompt('qa@production', { cacheTtlSeconds: 30 });
 * const latest = await loadPrompt({ name: 'qa' }, { fallback: 'Answer: {{question}}' });
 * const maybe = await loadPrompt('prompts:/nope@latest', { allowMissing: true }); // null
 * console.log(prod.format({ question: 'Why?' }));
 * ```
 */
export async function loadPrompt(ref: string | PromptRef, options?: LoadPromptOptions & { allowMissing?: false }): Promise<Prompt>;
export async function loadPrompt(ref: string | PromptRef, options: LoadPromptOptions & { allowMissing: boolean }): Promise<Prompt | null>;
export async function loadPrompt(ref: string | PromptRef, options: LoadPromptOptions = {}): Promise<Prompt | null> {
  const { name, version, alias } = parsePromptRef(ref);
  const client = new RegistryClient(options);
  const cache = options.cache ?? defaultPromptCache;
  const ttl =
    version !== undefined
      ? ttlFromSeconds(undefined, 'MLFLOW_VERSION_PROMPT_CACHE_TTL_SECONDS', Infinity)
      : ttlFromSeconds(options.cacheTtlSeconds, 'MLFLOW_ALIAS_PROMPT_CACHE_TTL_SECONDS', 60);
  const key = `${client.trackingUri}|${name}|${version !== undefined ? `v${version}` : `@${alias}`}`;
  const cached = cache.get(key);
  if (cached) return used(cached);
  try {
    // Same endpoints as MLflow's load_prompt (§5.3), minus its repeated registered-models/get: the
    // alias answer already is the full model version.
    const model = await getPromptModel(client, name);
    const mv = version !== undefined ? await client.getVersion(name, version) : await client.getVersionByAlias(name, alias!);
    const prompt = promptFromRegistry(model, mv);
    cache.set(key, prompt, ttl);
    return used(prompt);
  } catch (err) {
    if (err instanceof GlassboxError && options.allowMissing && MISSING_CODES.has(err.code)) return null;
    if (err instanceof ServerUnreachableError && options.fallback !== undefined) {
      return new Prompt(name, version ?? 0, options.fallback, { fromFallback: true });
    }
    throw err;
  }
}

function used(prompt: Prompt): Prompt {
  recordPromptUse({ name: prompt.name, version: prompt.version });
  return prompt;
}

export interface RegisterPromptOptions extends ClientOptions {
  /** Stored as the version's description (and the prompt's, on first registration). */
  commitMessage?: string;
  /** Tags set on the prompt and on this version, as MLflow's register_prompt does. */
  tags?: Record<string, string>;
  /** JSON-serialisable response format (e.g. a JSON schema), stored in `_mlflow_prompt_response_format`. */
  responseFormat?: unknown;
  /** Model settings (model name, temperature, …), stored in `_mlflow_prompt_model_config`. */
  modelConfig?: Record<string, unknown>;
  /** The cache whose `@latest`/alias entries for this prompt are dropped once the version exists. */
  cache?: PromptCache<Prompt>;
}

/**
 * Registers a new version of a text (`string`) or chat (`{role, content}[]`) prompt, creating the
 * prompt on first use, with the same REST calls as MLflow's `register_prompt`.
 *
 * @example
 * ```ts
 * import { registerPrompt } from 'glassbox/prompts';
 * const v = await registerPrompt('qa', 'Answer using {{context}}: {{question}}', { commitMessage: 'first' });
 * await registerPrompt('chat-qa', [{ role: 'system', content: 'You help with {{topic}}.' }], { modelConfig: { temperature: 0 } });
 * console.log(v.version); // 1
 * ```
 */
export async function registerPrompt(name: string, template: string | ChatMessage[], options: RegisterPromptOptions = {}): Promise<Prompt> {
  if (!PROMPT_NAME_RULE.test(name)) throw new Error(`Invalid prompt name '${name}': use only letters, digits, '_', '-' and '.'`);
  const isChat = Array.isArray(template);
  const text = isChat ? JSON.stringify(template) : template;
  if (text.trim() === '' || (isChat && template.length === 0)) throw new Error(`Prompt '${name}' needs a non-empty template`);
  const client = new RegistryClient(options);
  const userTags = Object.entries(options.tags ?? {}).map(([key, value]) => ({ key, value }));
  // As in MLflow, any error answer to the lookup (normally 404) means "new prompt".
  const existing = await client.getModel(name).catch((err: unknown) => {
    if (err instanceof GlassboxError) return undefined;
    throw err;
  });
  const isNew = existing === undefined;
  if (existing && !isPromptModel(existing)) throw new Error(`Model '${name}' exists and is not a prompt; choose another name`);
  if (existing) for (const t of userTags) await client.request('POST', '/registered-models/set-tag', { name, ...t });
  else await client.request('POST', '/registered-models/create', { name, description: options.commitMessage, tags: [{ key: IS_PROMPT_TAG, value: 'true' }, ...userTags] });
  const tags = [...userTags, { key: IS_PROMPT_TAG, value: 'true' }, { key: PROMPT_TYPE_TAG, value: isChat ? 'chat' : 'text' }, { key: PROMPT_TEXT_TAG, value: text }];
  if (options.responseFormat !== undefined) tags.push({ key: RESPONSE_FORMAT_TAG, value: JSON.stringify(options.responseFormat) });
  if (options.modelConfig !== undefined) tags.push({ key: MODEL_CONFIG_TAG, value: JSON.stringify(options.modelConfig) });
  let mv: ModelVersion;
  try {
    mv = (await client.request<{ model_version: ModelVersion }>('POST', '/model-versions/create', { name, source: 'dummy-source', description: options.commitMessage, tags })).model_version;
  } catch (err) {
    // Like MLflow: do not leave an empty prompt behind when its first version was refused.
    if (isNew) await client.request('DELETE', '/registered-models/delete', { name }).catch(() => undefined);
    throw err;
  }
  // This client knows `latest` just moved; other processes see it when their TTL runs out.
  (options.cache ?? defaultPromptCache).deletePrefix(`${client.trackingUri}|${name}|@`);
  return promptFromRegistry(await client.getModel(name), mv);
}

/**
 * Points an alias (`production`, `staging`, …) at a version. `latest` and `v<N>` are reserved.
 *
 * @example
 * ```ts
 * await setPromptAlias('qa', 'production', 2);
 * ```
 */
export async function setPromptAlias(name: string, alias: string, version: number | string, options: ClientOptions & { cache?: PromptCache<Prompt> } = {}): Promise<void> {
  const client = new RegistryClient(options);
  await getPromptModel(client, name);
  await client.getVersion(name, version);
  await client.request('POST', '/registered-models/alias', { name, alias, version: String(version) });
  (options.cache ?? defaultPromptCache).deletePrefix(`${client.trackingUri}|${name}|@`);
}

/**
 * Removes an alias from a prompt.
 *
 * @example
 * ```ts
 * await deletePromptAlias('qa', 'staging');
 * ```
 */
export async function deletePromptAlias(name: string, alias: string, options: ClientOptions & { cache?: PromptCache<Prompt> } = {}): Promise<void> {
  const client = new RegistryClient(options);
  await client.request('DELETE', '/registered-models/alias', { name, alias });
  (options.cache ?? defaultPromptCache).deletePrefix(`${client.trackingUri}|${name}|@`);
}
