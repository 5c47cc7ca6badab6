import { SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, test } from 'vitest';
import { recordPromptUse, trace, withSpan } from '../../src/tracing/index.js';
import { parseParamNames } from '../../src/tracing/params.js';
import { useMemoryTracing } from './memory.js';

const t = useMemoryTracing();
const tick = () => new Promise((r) => setTimeout(r, 1));

describe('trace()', () => {
  test('a traced async function records named inputs, outputs, span type and MLflow ids', async () => {
    const answer = trace(async function answer(question: string, k = 2) {
      await tick();
      return `${question}:${k}`;
    }, { spanType: 'AGENT', attributes: { team: 'support', config: { a: 1 } } });

    await expect(answer('hi', 3)).resolves.toBe('hi:3');
    const s = t.span('answer');
    expect(s.type).toBe('AGENT');
    expect(s.inputs).toEqual({ question: 'hi', k: 3 });
    expect(s.outputs).toBe('hi:3');
    expect(s.attrs['mlflow.spanFunctionName']).toBe('answer');
    expect(s.attrs['mlflow.traceRequestId']).toBe(`tr-${s.traceId}`);
    expect(s.attrs.team).toBe('support');
    expect(s.attrs.config).toBe('{"a":1}');
    expect(s.status).toBe(SpanStatusCode.OK);
  });

  test('nested traced calls form a tree across await, timers and Promise.all', async () => {
    const retrieve = trace(async (q: string) => {
      await new Promise((r) => setTimeout(r, 5));
      return [q];
    }, { name: 'retrieve', spanType: 'RETRIEVER' });
    const llm = trace(function llm(docs: string[]) {
      return docs.join(',');
    }, { spanType: 'LLM' });
    const agent = trace(async function agent(q: string) {
      const [a, b] = await Promise.all([retrieve(q), retrieve(q + '!')]);
      await tick();
      return llm([...a, ...b]);
    }, { spanType: 'AGENT' });

    await agent('x');
    const root = t.span('agent');
    const children = t.spans().filter((s) => s.parentId === root.spanId);
    expect(root.parentId).toBeUndefined();
    expect(children.map((c) => c.name).sort()).toEqual(['llm', 'retrieve', 'retrieve']);
    expect(new Set(t.spans().map((s) => s.traceId)).size).toBe(1);
    expect(t.span('llm').outputs).toBe('x,x!');
  });

  test('concurrent traces do not leak parents into each other', async () => {
    const inner = trace(async function inner() {
      await tick();
    });
    const outer = trace(async function outer(i: number) {
      await tick();
      await inner();
      return i;
    });
    await Promise.all([outer(1), outer(2), outer(3)]);
    const outers = t.spans().filter((s) => s.name === 'outer');
    for (const o of outers) {
      const kids = t.spans().filter((s) => s.parentId === o.spanId);
      expect(kids).toHaveLength(1);
      expect(kids[0].traceId).toBe(o.traceId);
    }
    expect(new Set(outers.map((o) => o.traceId)).size).toBe(3);
  });

  test('a thrown error is rethrown unchanged and recorded as status ERROR with an exception event', async () => {
    class Boom extends Error {}
    const err = new Boom('nope');
    const failing = trace(async function failing() {
      await tick();
      throw err;
    });
    await expect(failing()).rejects.toBe(err);
    const syncFailing = trace(function syncFailing() {
      throw err;
    });
    expect(() => syncFailing()).toThrow(err);

    for (const name of ['failing', 'syncFailing']) {
      const s = t.span(name);
      expect(s.status).toBe(SpanStatusCode.ERROR);
      expect(s.events.map((e) => e.name)).toEqual(['exception']);
      expect(s.events[0].attributes?.['exception.message']).toBe('nope');
    }
  });

  test('methods keep their this binding and functions keep their name and arity', () => {
    const obj = {
      base: 10,
      add: trace(function add(this: { base: number }, x: number) {
        return this.base + x;
      }),
    };
    expect(obj.add(5)).toBe(15);
    expect(obj.add.name).toBe('add');
    expect(obj.add.length).toBe(1);
  });

  test('an async generator span ends when it finishes, with the yielded chunks as outputs and child spans nested', async () => {
    const step = trace(function step(i: number) {
      return i * 2;
    });
    const gen = trace(async function* stream(n: number) {
      for (let i = 0; i < n; i++) {
        await tick();
        yield step(i);
      }
    }, { spanType: 'CHAIN' });

    const it = gen(3);
    expect(t.spans()).toHaveLength(0);
    const got: number[] = [];
    for await (const v of it) got.push(v);
    expect(got).toEqual([0, 2, 4]);
    const s = t.span('stream');
    expect(s.outputs).toEqual([0, 2, 4]);
    expect(s.inputs).toEqual({ n: 3 });
    expect(t.spans().filter((c) => c.parentId === s.spanId)).toHaveLength(3);
  });

  test('breaking out of a traced generator ends its span with the items consumed so far', async () => {
    const gen = trace(async function* count() {
      for (let i = 0; ; i++) yield i;
    });
    for await (const v of gen()) if (v === 2) break;
    expect(t.span('count').outputs).toEqual([0, 1, 2]);

    const syncGen = trace(function* letters() {
      yield 'a';
      yield 'b';
      throw new Error('mid-stream');
    });
    const seen: string[] = [];
    expect(() => {
      for (const l of syncGen()) seen.push(l);
    }).toThrow('mid-stream');
    expect(seen).toEqual(['a', 'b']);
    expect(t.span('letters').status).toBe(SpanStatusCode.ERROR);
  });
});

describe('withSpan()', () => {
  test('records explicit inputs, the return value as outputs and lets the callback set attributes', async () => {
    const r = await withSpan('retrieve', { spanType: 'RETRIEVER', inputs: { query: 'q' } }, async (span) => {
      span.setAttribute('retriever.k', 2);
      await tick();
      return ['d1', 'd2'];
    });
    expect(r).toEqual(['d1', 'd2']);
    const s = t.span('retrieve');
    expect(s.inputs).toEqual({ query: 'q' });
    expect(s.outputs).toEqual(['d1', 'd2']);
    expect(s.attrs['retriever.k']).toBe(2);
  });

  test('outputs set through the handle win over the return value', () => {
    withSpan('manual', (span) => {
      span.setOutputs({ chosen: 1 });
      return 'ignored';
    });
    expect(t.span('manual').outputs).toEqual({ chosen: 1 });
  });
});

describe('prompt links', () => {
  test('prompt versions used during a trace are merged onto the root span without duplicates', async () => {
    const leaf = trace(async function leaf() {
      recordPromptUse({ name: 'qa', version: 1 });
      recordPromptUse({ name: 'qa', version: '1' });
      recordPromptUse({ name: 'style', version: 4 });
    });
    await trace(async function root() {
      await leaf();
    })();
    expect(t.span('root').attrs['mlflow.linkedPrompts']).toEqual([
      { name: 'qa', version: '1' },
      { name: 'style', version: '4' },
    ]);
    expect(t.span('leaf').attrs['mlflow.linkedPrompts']).toBeUndefined();
  });

  test('recording a prompt outside any trace does nothing and does not throw', () => {
    expect(() => recordPromptUse({ name: 'qa', version: 1 })).not.toThrow();
    expect(t.spans()).toHaveLength(0);
  });
});

describe('parameter names', () => {
  test.for([
    [function f(a: number, b: string) {}, ['a', 'b']],
    [async (x: number, y = 2) => x + y, ['x', 'y']],
    [(q: string) => q, ['q']],
    [function g(first: string, ...rest: string[]) {}, ['first', '...rest']],
    [function h({ a }: { a: number }) {}, null],
    [function d(opts = { a: [1, 2], b: '(' }) {}, ['opts']],
  ] as const)('%s → %j', ([fn, names]) => {
    expect(parseParamNames(fn as Function)).toEqual(names);
  });

  test('destructured parameters fall back to the positional argument list', () => {
    const f = trace(function destructured({ a }: { a: number }, b: number) {
      return a + b;
    });
    f({ a: 1 }, 2);
    expect(t.span('destructured').inputs).toEqual([{ a: 1 }, 2]);
  });
});
