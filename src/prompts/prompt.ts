import type { ModelVersion, RegisteredModel } from '../server/schemas/registry.js';
import { EXPERIMENT_IDS_TAG, IS_PROMPT_TAG, MODEL_CONFIG_TAG, PROMPT_TEXT_TAG, PROMPT_TYPE_TAG, RESPONSE_FORMAT_TAG } from './constants.js';
import { type ChatMessage, type Template, extractVariables, parseChatTemplate, renderChat, renderText } from './template.js';

/** What `format` returns: a string for a text template, messages for a chat template. */
export type Formatted<T extends Template> = T extends string ? string : ChatMessage[];

const RESERVED_VERSION_TAGS = new Set([IS_PROMPT_TAG, PROMPT_TEXT_TAG, PROMPT_TYPE_TAG, RESPONSE_FORMAT_TAG, MODEL_CONFIG_TAG, 'mlflow.prompt.associatedRunIds']);
const RESERVED_PROMPT_TAGS = new Set([IS_PROMPT_TAG, EXPERIMENT_IDS_TAG]);

/**
 * One prompt version, as `loadPrompt` and `registerPrompt` return it.
 *
 * @example
 * ```ts
 * const prompt = await loadPrompt('prompts:/qa@production');
 * prompt.variables;                                  // ['context', 'question']
 * const text = prompt.format({ context, question }); // string, or messages for a chat prompt
 * ```
 */
export class Prompt<T extends Template = Template> {
  readonly type: 'text' | 'chat';
  readonly variables: string[];

  constructor(
    readonly name: string,
    /** The version number; 0 for a prompt built from a `fallback` template. */
    readonly version: number,
    readonly template: T,
    readonly extra: {
      aliases?: string[];
      commitMessage?: string;
      /** Prompt-level tags (the registered model's), without MLflow's internal ones. */
      tags?: Record<string, string>;
      /** Version-level tags, without the ones that store the template. */
      versionTags?: Record<string, string>;
      responseFormat?: unknown;
      modelConfig?: Record<string, unknown>;
      creationTimestamp?: number;
      /** True when the server was unreachable and the caller's `fallback` template was used. */
      fromFallback?: boolean;
    } = {},
  ) {
    this.type = typeof template === 'string' ? 'text' : 'chat';
    this.variables = extractVariables(template);
  }

  get aliases(): string[] {
    return this.extra.aliases ?? [];
  }
  get commitMessage(): string {
    return this.extra.commitMessage ?? '';
  }
  get tags(): Record<string, string> {
    return this.extra.tags ?? {};
  }
  get versionTags(): Record<string, string> {
    return this.extra.versionTags ?? {};
  }
  get responseFormat(): unknown {
    return this.extra.responseFormat;
  }
  get modelConfig(): Record<string, unknown> | undefined {
    return this.extra.modelConfig;
  }
  get creationTimestamp(): number | undefined {
    return this.extra.creationTimestamp;
  }
  get fromFallback(): boolean {
    return this.extra.fromFallback ?? false;
  }
  /** `prompts:/<name>/<version>`, the URI MLflow uses for a pinned version. */
  get uri(): string {
    return `prompts:/${this.name}/${this.version}`;
  }

  /**
   * Fills the placeholders. Throws MissingVariablesError naming every variable without a value,
   * unless `allowPartial`, which leaves those placeholders in place.
   */
  format(vars: Record<string, unknown>, opts: { allowPartial?: boolean } = {}): Formatted<T> {
    const t = this.template as Template;
    return (typeof t === 'string' ? renderText(t, vars, opts) : renderChat(t, vars, opts)) as Formatted<T>;
  }
}

function parseJsonTag(value: string | undefined, what: string): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    throw new Error(`Prompt ${what} tag does not hold JSON`);
  }
}

/** Builds a Prompt from the registry's entities; throws if the version is not a prompt. */
export function promptFromRegistry(model: RegisteredModel | undefined, mv: ModelVersion): Prompt {
  const tags = Object.fromEntries(mv.tags.map((t) => [t.key, t.value]));
  const text = tags[PROMPT_TEXT_TAG];
  if (tags[IS_PROMPT_TAG]?.toLowerCase() !== 'true' || text === undefined) {
    throw new Error(`${mv.name} version ${mv.version} is a model version, not a prompt (it lacks the ${IS_PROMPT_TAG} and ${PROMPT_TEXT_TAG} tags)`);
  }
  const template: Template = tags[PROMPT_TYPE_TAG] === 'chat' ? parseChatTemplate(text) : text;
  const modelTags = Object.fromEntries((model?.tags ?? []).filter((t) => !RESERVED_PROMPT_TAGS.has(t.key)).map((t) => [t.key, t.value]));
  return new Prompt(mv.name, Number(mv.version), template, {
    aliases: mv.aliases ?? [],
    commitMessage: mv.description ?? '',
    tags: modelTags,
    versionTags: Object.fromEntries(Object.entries(tags).filter(([k]) => !RESERVED_VERSION_TAGS.has(k))),
    responseFormat: parseJsonTag(tags[RESPONSE_FORMAT_TAG], 'response format'),
    modelConfig: parseJsonTag(tags[MODEL_CONFIG_TAG], 'model config') as Record<string, unknown> | undefined,
    creationTimestamp: mv.creation_timestamp,
  });
}
