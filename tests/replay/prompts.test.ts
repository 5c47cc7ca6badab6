import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DIALECTS } from '../helpers/dialects.js';
import { describeMismatches, loadExchanges, replay, type ReplayResult } from '../helpers/replay.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

// Seq 52–87 of the Python client recording: register_prompt (text v1, v2 and a chat prompt),
// set_prompt_alias, load_prompt by @latest, @production and /1, and search_prompts.
const PROMPT_EXCHANGES = (seq: number) => seq >= 52 && seq <= 87;

for (const dialect of DIALECTS) {
  describe(`${dialect}: replay of the MLflow Python client's prompt exchanges`, () => {
    let s: TestServer;
    let results: ReplayResult[];
    beforeAll(async () => {
      s = await startTestServer(dialect);
      results = await replay(s, loadExchanges(), { only: (ex) => PROMPT_EXCHANGES(ex.seq) });
    });
    afterAll(() => s?.close());

    test('every one of the 36 recorded exchanges is replayed', () => {
      expect(results.map((r) => r.seq)).toEqual(Array.from({ length: 36 }, (_, i) => 52 + i));
    });

    test('each answer has the recorded status, error code and JSON shape', () => {
      expect(describeMismatches(results)).toBe('');
    });

    test('after the replay, @latest resolves to version 2 and @production to version 1, as recorded', async () => {
      const alias = (a: string) => s.api('GET', `/api/2.0/mlflow/registered-models/alias?name=fixture-qa-prompt&alias=${a}`);
      expect((await alias('latest')).body.model_version.version).toBe('2');
      expect((await alias('production')).body.model_version.version).toBe('1');
    });
  });
}
