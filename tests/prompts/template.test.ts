import { describe, expect, test } from 'vitest';
import { parsePromptRef } from '../../src/prompts/prompt-ref.js';
import { MissingVariablesError, extractVariables, findUnbalancedBraces, parseChatTemplate, renderChat, renderText } from '../../src/prompts/template.js';

describe('text templates', () => {
  test.for([
    ['Hello {{name}}!', { name: 'Ann' }, 'Hello Ann!'],
    ['Hello {{ name }}!', { name: 'Ann' }, 'Hello Ann!'],
    ['{{a}}{{a}} {{b}}', { a: 'x', b: 'y' }, 'xx y'],
    ['{{user.name}} is {{age}}', { 'user.name': 'Bo', age: 7 }, 'Bo is 7'],
    ['JSON: {"key": "{{v}}"}', { v: 1 }, 'JSON: {"key": "1"}'],
    ['single {braces} stay', {}, 'single {braces} stay'],
    ['{{ 1st }} is not a variable', {}, '{{ 1st }} is not a variable'],
    ['{{"k": 1}} stays literal', {}, '{{"k": 1}} stays literal'],
    ['triple {{{x}}} keeps the outer braces', { x: 'v' }, 'triple {v} keeps the outer braces'],
    ['values are not re-expanded: {{a}}', { a: '{{b}}', b: 'no' }, 'values are not re-expanded: {{b}}'],
    ['objects render as JSON: {{o}}', { o: { k: [1] } }, 'objects render as JSON: {"k":[1]}'],
    ['extra values are ignored', { unused: 1 }, 'extra values are ignored'],
  ] as const)('%j with %j renders %j', ([template, vars, expected]) => {
    expect(renderText(template, vars)).toBe(expected);
  });

  test.for([
    ['Hi {{a}} {{ b }} {{a}} {{c.d}}', ['a', 'b', 'c.d']],
    ['no placeholders', []],
    ['{{ not valid! }} {x}', []],
  ] as const)('variables of %j are %j', ([template, expected]) => {
    expect(extractVariables(template)).toEqual(expected);
  });

  test('missing variables throw an error naming each of them', () => {
    const err = (() => {
      try {
        renderText('{{context}} / {{question}} / {{given}}', { given: 1 });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(MissingVariablesError);
    expect((err as MissingVariablesError).missing).toEqual(['context', 'question']);
    expect((err as Error).message).toMatch(/Missing variables: context, question/);
  });

  test('allowPartial keeps the placeholders that have no value', () => {
    expect(renderText('{{a}} and {{ b }}', { a: 1 }, { allowPartial: true })).toBe('1 and {{ b }}');
  });
});

describe('chat templates', () => {
  const chat = [
    { role: 'system', content: 'You help with {{topic}}.' },
    { role: 'user', content: '{{question}}' },
  ];

  test('each message content is rendered and roles are kept', () => {
    expect(renderChat(chat, { topic: 'maths', question: '2+2?' })).toEqual([
      { role: 'system', content: 'You help with maths.' },
      { role: 'user', content: '2+2?' },
    ]);
  });

  test('variables are collected across messages and missing ones are reported together', () => {
    expect(extractVariables(chat)).toEqual(['topic', 'question']);
    expect(() => renderChat(chat, {})).toThrow('Missing variables: topic, question');
  });

  test.for([
    ['not json', 'not valid JSON'],
    ['[]', 'non-empty'],
    ['{"role":"user"}', 'non-empty JSON list'],
    ['[{"role":"user","content":3}]', 'message 0'],
  ])('parsing %j fails with a message containing %j', ([text, message]) => {
    expect(() => parseChatTemplate(text)).toThrow(message);
  });
});

describe('brace balance', () => {
  test.for([
    ['Hello {{name}}', undefined],
    ['{"a": {"b": 1}}', undefined],
    ['{{{x}}}', undefined],
    ['stray }} is fine', undefined],
    ['Hello {{name', "'{{' at character 6 is never closed"],
    ['{{a {{b}}', "'{{' at character 0 is never closed"],
    ['ok {{a}} then {{', "'{{' at character 14 is never closed"],
  ] as const)('%j → %j', ([text, problem]) => {
    const found = findUnbalancedBraces(text);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });
});

describe('prompt references', () => {
  test.for([
    ['prompts:/qa/2', { name: 'qa', version: 2 }],
    ['prompts:/qa@latest', { name: 'qa', alias: 'latest' }],
    ['prompts:/qa@production', { name: 'qa', alias: 'production' }],
    ['qa@staging', { name: 'qa', alias: 'staging' }],
    ['qa', { name: 'qa', alias: 'latest' }],
    [{ name: 'qa', version: '3' }, { name: 'qa', version: 3 }],
    [{ name: 'qa' }, { name: 'qa', alias: 'latest' }],
  ] as const)('%j parses to %j', ([ref, expected]) => {
    expect(parsePromptRef(ref)).toEqual(expected);
  });

  test.for(['prompts:/qa/latest', 'prompts:/qa/Production', 'prompts:/qa@', 'prompts:/', 'prompts:/qa/0'])('%j is rejected', (ref) => {
    expect(() => parsePromptRef(ref)).toThrow(/Invalid/);
  });
});
