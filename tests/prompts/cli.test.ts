import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { promptsCommand } from '../../src/cli/prompts.js';
import { DIALECTS } from '../helpers/dialects.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { uniqueName } from './api.js';

/** Runs `glassbox prompts …` in-process against the test server and returns what it printed. */
async function cli(s: TestServer, args: string[], color = false): Promise<string> {
  const lines: string[] = [];
  const program = new Command().exitOverride().addCommand(promptsCommand({ out: (t) => lines.push(t), color }));
  await program.parseAsync(['node', 'glassbox', 'prompts', ...args, '--tracking-uri', s.url]);
  return lines.join('\n');
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: glassbox prompts CLI`, () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer(dialect);
    });
    afterAll(() => s?.close());

    test('register from a file, alias a version, then list and show it', async () => {
      const name = uniqueName('cli');
      const file = join(s.dir, `${name}.txt`);
      writeFileSync(file, 'Hello {{name}}\nBye\n');
      expect(await cli(s, ['register', name, '--file', file, '--message', 'first'])).toBe(`Registered ${name} version 1 (text, variables: name)`);
      writeFileSync(file, 'Hello {{ name }}, welcome\nBye\n');
      expect(await cli(s, ['register', name, '--file', file])).toContain('version 2');
      expect(await cli(s, ['alias', name, 'production', '1'])).toBe(`${name}@production → version 1`);
      const list = await cli(s, ['list', '--filter', `name = '${name}'`]);
      expect(list.split('\n')[1]).toMatch(new RegExp(`^${name}\\s+v2\\s+production→v1\\s+first$`));
      const shown = await cli(s, ['show', name, '--version', '1']);
      expect(shown).toContain(`${name} version 1 (production)`);
      expect(shown).toContain('message: first');
      expect(shown).toContain('Hello {{name}}');
      expect(await cli(s, ['show', name])).toContain('versions: v2, v1 (first)');
    });

    test('show --diff prints a unified diff of two versions, coloured on request', async () => {
      const name = uniqueName('diff');
      const file = join(s.dir, `${name}.txt`);
      writeFileSync(file, 'line one\nline two\n');
      await cli(s, ['register', name, '--file', file]);
      writeFileSync(file, 'line one\nline 2\n');
      await cli(s, ['register', name, '--file', file]);
      const plain = await cli(s, ['show', name, '--diff', '1', '2']);
      expect(plain).toContain(`--- ${name} v1`);
      expect(plain).toContain(`+++ ${name} v2`);
      expect(plain).toMatch(/^-line two$/m);
      expect(plain).toMatch(/^\+line 2$/m);
      expect(plain).toMatch(/^ line one$/m);
      const coloured = await cli(s, ['show', name, '--diff', '1', '2'], true);
      expect(coloured).toContain('\u001b[31m-line two\u001b[0m');
      expect(coloured).toContain('\u001b[32m+line 2\u001b[0m');
      expect(await cli(s, ['show', name, '--diff', '1', '1'])).toContain('have the same template');
    });

    test('a chat template registers from a JSON file with --chat and shows one block per message', async () => {
      const name = uniqueName('chat');
      const file = join(s.dir, `${name}.json`);
      writeFileSync(file, JSON.stringify([{ role: 'system', content: 'About {{topic}}' }, { role: 'user', content: '{{q}}' }]));
      expect(await cli(s, ['register', name, '--file', file, '--chat'])).toContain('(chat, variables: topic, q)');
      expect(await cli(s, ['show', name])).toContain('[system]\nAbout {{topic}}\n\n[user]\n{{q}}');
      writeFileSync(file, 'not json');
      await expect(cli(s, ['register', name, '--file', file, '--chat'])).rejects.toThrow('not valid JSON');
    });

    test('errors from the server reach the user with their MLflow message', async () => {
      await expect(cli(s, ['alias', uniqueName('none'), 'prod', '1'])).rejects.toThrow(/Registered Model with name=.* not found/);
      await expect(cli(s, ['show', 'x', '--diff', '1'])).rejects.toThrow('--diff needs exactly two versions');
    });
  });
}

describe('glassbox prompts as a subprocess', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer('sqlite');
  });
  afterAll(() => s?.close());

  test('the real entry point lists prompts, taking the server from MLFLOW_TRACKING_URI', async () => {
    const name = uniqueName('proc');
    await s.api('POST', '/api/2.0/mlflow/registered-models/create', { name, tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }] });
    const { stdout } = await promisify(execFile)('node', ['--import', 'tsx', 'src/cli.ts', 'prompts', 'list'], {
      env: { ...process.env, GLASSBOX_TRACKING_URI: '', MLFLOW_TRACKING_URI: s.url, NO_COLOR: '1' },
    });
    expect(stdout).toContain(name);
  }, 60_000);
});
