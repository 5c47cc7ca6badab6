import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { createTwoFilesPatch } from 'diff';
import { type ClientOptions, type Prompt, listPromptVersions, loadPrompt, registerPrompt, searchPrompts, setPromptAlias } from '../prompts/index.js';
import { PromptCache } from '../prompts/cache.js';
import { parseChatTemplate, type Template } from '../prompts/template.js';

// `glassbox prompts …`: a thin shell over the glassbox/prompts client, so it works against Glassbox
// or any MLflow tracking server.

/** Where output goes; tests pass their own to capture it. `color` defaults to "stdout is a TTY and NO_COLOR is unset". */
export interface CliIo {
  out(text: string): void;
  color: boolean;
}

const defaultIo = (): CliIo => ({
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
});

const paint = (io: CliIo, code: number, text: string) => (io.color ? `\u001b[${code}m${text}\u001b[0m` : text);

const trackingOption = (cmd: Command) =>
  cmd.option('--tracking-uri <uri>', 'tracking server [GLASSBOX_TRACKING_URI, MLFLOW_TRACKING_URI, default http://127.0.0.1:5000]');

const clientOptions = (opts: { trackingUri?: string }): ClientOptions => ({ trackingUri: opts.trackingUri });

/** A template as readable text: text templates as they are, chat templates one block per message. */
export function templateText(template: Template): string {
  if (typeof template === 'string') return template.endsWith('\n') ? template : `${template}\n`;
  return template.map((m) => `[${m.role}]\n${m.content}\n`).join('\n');
}

/** A unified diff of two versions, coloured for a terminal when `io.color`. */
export function renderDiff(io: CliIo, a: Prompt, b: Prompt): string {
  const patch = createTwoFilesPatch(`${a.name} v${a.version}`, `${b.name} v${b.version}`, templateText(a.template), templateText(b.template), '', '', { context: 3 });
  const body = patch.split('\n').slice(1); // drop the "====" separator line diff writes first
  if (!body.some((l) => /^[+-][^+-]/.test(l) || l === '+' || l === '-')) return `${a.name}: v${a.version} and v${b.version} have the same template\n`;
  return body
    .map((line) => {
      if (line.startsWith('+++') || line.startsWith('---')) return paint(io, 1, line);
      if (line.startsWith('@@')) return paint(io, 36, line);
      if (line.startsWith('+')) return paint(io, 32, line);
      if (line.startsWith('-')) return paint(io, 31, line);
      return line;
    })
    .join('\n');
}

async function loadVersion(name: string, version: string | undefined, opts: ClientOptions): Promise<Prompt> {
  // The CLI always wants what the server has now, so it bypasses the process-wide cache.
  return loadPrompt(version === undefined ? { name } : { name, version }, { ...opts, cache: new PromptCache() });
}

function showPrompt(io: CliIo, p: Prompt): void {
  io.out(`${paint(io, 1, p.name)} version ${p.version}${p.aliases.length ? ` (${p.aliases.join(', ')})` : ''}`);
  io.out(`type: ${p.type}   variables: ${p.variables.join(', ') || '(none)'}`);
  if (p.commitMessage) io.out(`message: ${p.commitMessage}`);
  if (p.creationTimestamp) io.out(`created: ${new Date(p.creationTimestamp).toISOString()}`);
  const tags = Object.entries(p.versionTags);
  if (tags.length) io.out(`tags: ${tags.map(([k, v]) => `${k}=${v}`).join(', ')}`);
  if (p.modelConfig) io.out(`model config: ${JSON.stringify(p.modelConfig)}`);
  io.out('');
  io.out(templateText(p.template));
}

/**
 * The `glassbox prompts` command group: list, show (with --diff), register, alias.
 *
 * @example
 * ```ts
 * import { Command } from 'commander';
 * const program = new Command().addCommand(promptsCommand());
 * await program.parseAsync(['node', 'glassbox', 'prompts', 'show', 'qa', '--diff', '1', '2']);
 * ```
 */
export function promptsCommand(io: CliIo = defaultIo()): Command {
  const cmd = new Command('prompts').description('Manage prompts in the registry (Glassbox or any MLflow server)');

  trackingOption(cmd.command('list'))
    .description('List prompts with their latest version and aliases')
    .option('--filter <filter>', "registry filter, e.g. \"name LIKE 'support-%'\"")
    .action(async (opts) => {
      const prompts = await searchPrompts({ ...clientOptions(opts), filter: opts.filter });
      if (prompts.length === 0) return io.out('No prompts.');
      const rows = prompts.map((p) => [p.name, p.latestVersion ? `v${p.latestVersion}` : '-', p.aliases.map((a) => `${a.alias}→v${a.version}`).join(' '), p.description]);
      const widths = [0, 1, 2].map((i) => Math.max(...[['NAME', 'LATEST', 'ALIASES'][i], ...rows.map((r) => r[i])].map((c) => c.length)));
      const line = (r: string[]) => r.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c)).join('  ').trimEnd();
      io.out(paint(io, 1, line(['NAME', 'LATEST', 'ALIASES', 'DESCRIPTION'])));
      for (const r of rows) io.out(line(r));
    });

  trackingOption(cmd.command('show <name>'))
    .description('Show a version (the latest by default), or a diff between two versions')
    .option('--version <n>', 'version number to show')
    .option('--diff <versions...>', 'show a unified diff between two versions: --diff A B')
    .action(async (name: string, opts) => {
      if (opts.diff) {
        if (opts.diff.length !== 2) throw new Error('--diff needs exactly two versions, e.g. --diff 1 2');
        const [a, b] = await Promise.all(opts.diff.map((v: string) => loadVersion(name, v, clientOptions(opts))));
        return io.out(renderDiff(io, a, b));
      }
      showPrompt(io, await loadVersion(name, opts.version, clientOptions(opts)));
      if (opts.version === undefined) {
        const versions = await listPromptVersions(name, clientOptions(opts));
        io.out(paint(io, 2, `versions: ${versions.map((v) => `v${v.version}${v.commitMessage ? ` (${v.commitMessage})` : ''}`).join(', ')}`));
      }
    });

  trackingOption(cmd.command('register <name>'))
    .description('Register a new version from a file (text, or a JSON list of {role, content} with --chat)')
    .requiredOption('--file <path>', 'template file')
    .option('--message <message>', 'commit message for this version')
    .option('--chat', 'the file holds a chat template (JSON list of messages)')
    .action(async (name: string, opts) => {
      const text = await readFile(opts.file, 'utf8');
      let template: Template = text;
      if (opts.chat) {
        try {
          template = parseChatTemplate(text);
        } catch (err) {
          throw new Error(`${opts.file}: ${(err as Error).message}`);
        }
      }
      const p = await registerPrompt(name, template, { ...clientOptions(opts), commitMessage: opts.message });
      io.out(`Registered ${p.name} version ${p.version} (${p.type}, variables: ${p.variables.join(', ') || 'none'})`);
    });

  trackingOption(cmd.command('alias <name> <alias> <version>'))
    .description('Point an alias (e.g. production) at a version')
    .action(async (name: string, alias: string, version: string, opts) => {
      if (!/^\d+$/.test(version)) throw new Error(`Version must be a number, got '${version}'`);
      await setPromptAlias(name, alias, version, clientOptions(opts));
      io.out(`${name}@${alias} → version ${version}`);
    });

  return cmd;
}
