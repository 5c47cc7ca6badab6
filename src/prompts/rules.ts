import { MlflowError } from '../server/errors.js';
import {
  IS_PROMPT_TAG,
  MAX_TEMPLATE_CHARS,
  MODEL_CONFIG_TAG,
  PROMPT_NAME_RULE,
  PROMPT_TEXT_TAG,
  PROMPT_TYPE_TAG,
  RESPONSE_FORMAT_TAG,
} from './constants.js';
import { findUnbalancedBraces, parseChatTemplate } from './template.js';

// Validation of registry input, with MLflow's wording where MLflow has a message for it.

export function isPromptTags(tags: Record<string, string>): boolean {
  return tags[IS_PROMPT_TAG]?.toLowerCase() === 'true';
}

/** MLflow: non-empty, and no '/' or ':' (they would break models:/ and prompts:/ URIs). */
export function validateModelName(name: string, isPrompt: boolean): void {
  if (name.trim() === '') throw MlflowError.invalidParameter('Registered model name cannot be empty.');
  if (/[/:]/.test(name)) throw MlflowError.invalidParameter(`Invalid name '${name}': registered model names cannot contain '/' or ':'.`);
  if (isPrompt && !PROMPT_NAME_RULE.test(name)) {
    throw MlflowError.invalidParameter(`Invalid prompt name '${name}': use only letters, digits, '_', '-' and '.'.`);
  }
}

/** MLflow's _validate_model_alias_name: `^[\w\-]*$`, ≤ 255, and `latest` / `v<N>` are reserved. */
export function validateAlias(alias: string): void {
  if (alias === '' || alias.length > 255 || !/^[\w-]*$/.test(alias)) {
    throw MlflowError.invalidParameter(
      `Invalid alias name '${alias}'. Names may only contain alphanumerics, underscores (_) and dashes (-), with at most 255 characters.`,
    );
  }
  if (alias.toLowerCase() === 'latest') throw MlflowError.invalidParameter("'latest' alias name (case insensitive) is reserved.");
  if (/^v\d+$/i.test(alias)) throw MlflowError.invalidParameter(`Version alias name '${alias}' is reserved.`);
}

/** Checks the tags of a new prompt version: the template, its type and the optional JSON extras. */
export function validatePromptVersion(tags: Record<string, string>, source: string): void {
  const text = tags[PROMPT_TEXT_TAG];
  if (text === undefined || text.trim() === '') {
    throw MlflowError.invalidParameter(`A prompt version needs a non-empty template in the '${PROMPT_TEXT_TAG}' tag.`);
  }
  if (text.length > MAX_TEMPLATE_CHARS) {
    throw MlflowError.invalidParameter(`Prompt template has ${text.length} characters; the limit is ${MAX_TEMPLATE_CHARS}.`);
  }
  const type = tags[PROMPT_TYPE_TAG] ?? 'text';
  if (type !== 'text' && type !== 'chat') {
    throw MlflowError.invalidParameter(`Tag '${PROMPT_TYPE_TAG}' must be 'text' or 'chat', got '${type}'.`);
  }
  const contents = type === 'chat' ? chatContents(text) : [text];
  for (const content of contents) {
    const problem = findUnbalancedBraces(content);
    if (problem) throw MlflowError.invalidParameter(`Invalid prompt template: ${problem}.`);
  }
  for (const key of [RESPONSE_FORMAT_TAG, MODEL_CONFIG_TAG]) {
    if (tags[key] === undefined) continue;
    try {
      JSON.parse(tags[key]);
    } catch {
      throw MlflowError.invalidParameter(`Tag '${key}' must hold JSON.`);
    }
  }
  if (/^file:/i.test(source) || source.startsWith('/')) {
    throw MlflowError.invalidParameter(`Invalid prompt source '${source}': local file paths are not allowed.`);
  }
}

function chatContents(text: string): string[] {
  try {
    return parseChatTemplate(text).map((m) => m.content);
  } catch (err) {
    throw MlflowError.invalidParameter(`Invalid chat prompt template: ${(err as Error).message}.`);
  }
}

/** Version numbers arrive as decimal strings (the schema checked the digits); 0 is simply never found. */
export function versionNumber(version: string): number {
  const n = Number(version);
  if (!Number.isSafeInteger(n) || n > 2_147_483_647) throw MlflowError.invalidParameter(`Parameter 'version' must be an integer, got '${version}'.`);
  return n;
}
