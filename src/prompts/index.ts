/**
 * `glassbox/prompts`: the prompt registry SDK. It speaks MLflow's REST protocol, so it works
 * against Glassbox and against a real MLflow tracking server.
 *
 * @example
 * ```ts
 * import { registerPrompt, loadPrompt, setPromptAlias } from 'glassbox/prompts';
 * await registerPrompt('qa', 'Context: {{context}}\nQuestion: {{question}}', { commitMessage: 'first' });
 * await setPromptAlias('qa', 'production', 1);
 * const prompt = await loadPrompt('prompts:/qa@production');
 * const text = prompt!.format({ context: '…', question: 'Why?' });
 * ```
 */
export { PromptCache } from './cache.js';
export { resolveTrackingUri } from '../client/config.js';
export { GlassboxError as MlflowRestError } from '../client/errors.js';
export { type ClientOptions, RegistryClient, ServerUnreachableError } from './client.js';
export { type Formatted, Prompt } from './prompt.js';
export { type PromptRef, parsePromptRef } from './prompt-ref.js';
export { type PromptInfo, listPromptVersions, searchPrompts } from './search.js';
export {
  type LoadPromptOptions,
  type RegisterPromptOptions,
  defaultPromptCache,
  deletePromptAlias,
  loadPrompt,
  registerPrompt,
  setPromptAlias,
} from './sdk.js';
export { type ChatMessage, MissingVariablesError, type Template, extractVariables, renderChat, renderText } from './template.js';
