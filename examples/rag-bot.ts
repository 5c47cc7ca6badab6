/**
 * A tiny retrieval-augmented support bot, traced with Glassbox.
 *
 *   npx glassbox server &                  # or any MLflow-compatible tracking server
 *   npx tsx examples/rag-bot.ts            # uses a local fake LLM unless OPENAI_BASE_URL is set
 *   OPENAI_BASE_URL=https://api.openai.com/v1 OPENAI_API_KEY=sk-... npx tsx examples/rag-bot.ts
 *
 * Each question becomes one trace: answer (AGENT) → retrieve (RETRIEVER) + Completions (CHAT_MODEL).
 * Applications import from 'glassbox'; this file imports the source so it runs without a build.
 */
import OpenAI from 'openai';
import { autolog, flush, init, shutdown, trace, withSpan } from '../src/tracing/index.js';
import { startOpenAIFake } from '../tests/helpers/openai-fake.js';

const DOCS = [
  { id: 'refunds', text: 'Refunds are issued to the original payment method within 5 business days.' },
  { id: 'shipping', text: 'Standard shipping takes 3 to 7 days; express shipping arrives in 1 to 2 days.' },
  { id: 'password', text: 'To reset your password, open Settings, choose Security and click Reset password.' },
  { id: 'warranty', text: 'Every device has a two-year warranty covering manufacturing defects.' },
];

const words = (s: string) => new Set(s.toLowerCase().match(/[a-z]+/g) ?? []);

/** Keyword-overlap retrieval over the in-memory docs, in MLflow's retriever document shape. */
function retrieve(query: string, k = 2) {
  return withSpan('retrieve', { spanType: 'RETRIEVER', inputs: { query, k } }, () => {
    const q = words(query);
    return DOCS.map((d) => ({ d, score: [...words(d.text)].filter((w) => q.has(w)).length }))
      .filter((x) => x.score > 0)
      .sort((a, b) => b.score - a.score)
      .slice(0, k)
      .map(({ d, score }) => ({ id: d.id, page_content: d.text, metadata: { doc_uri: `kb://${d.id}`, score } }));
  });
}

async function main() {
  const fake = process.env.OPENAI_BASE_URL ? undefined : await startOpenAIFake();
  const client = autolog.openai(
    new OpenAI({ baseURL: fake?.baseURL ?? process.env.OPENAI_BASE_URL, apiKey: process.env.OPENAI_API_KEY ?? 'not-needed-for-the-fake', maxRetries: fake ? 0 : 2 }),
  );
  init({ experiment: process.env.GLASSBOX_EXPERIMENT ?? 'rag-bot', serviceName: 'rag-bot' });

  const answer = trace(async function answer(question: string) {
    const docs = retrieve(question);
    const context = docs.map((d) => `- ${d.page_content}`).join('\n') || '- (no matching document)';
    const r = await client.chat.completions.create({
      model: process.env.OPENAI_MODEL ?? 'gpt-4o-mini',
      temperature: 0,
      messages: [
        { role: 'system', content: `Answer from this context only:\n${context}` },
        { role: 'user', content: question },
      ],
    });
    return r.choices[0].message.content ?? '';
  }, { spanType: 'AGENT' });

  for (const q of ['How long do refunds take?', 'How do I reset my password?']) {
    console.log(`Q: ${q}\nA: ${await answer(q)}\n`);
  }
  await flush();
  await shutdown();
  await fake?.close();
  console.log('Tracking server:', process.env.GLASSBOX_TRACKING_URI ?? process.env.MLFLOW_TRACKING_URI ?? 'http://127.0.0.1:5000');
}

await main();
