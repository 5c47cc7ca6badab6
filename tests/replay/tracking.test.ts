import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DIALECTS } from '../helpers/dialects.js';
import { type Exchange, loadExchanges, replay, type ReplayResult } from '../helpers/replay.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** The tracking part of the Python client session: experiments, runs, metrics, artifacts, and the error cases. */
const isTracking = (ex: Exchange) => ex.seq <= 37 || ex.seq >= 88;
const exchanges = loadExchanges().filter(isTracking);

for (const dialect of DIALECTS) {
  describe(`${dialect}: replaying the Python client's tracking session`, () => {
    let s: TestServer;
    let results: Map<number, ReplayResult>;
    beforeAll(async () => {
      s = await startTestServer(dialect);
      results = new Map((await replay(s, exchanges)).map((r) => [r.seq, r]));
    });
    afterAll(() => s?.close());

    test.for(exchanges.map((ex) => [ex.seq, ex.method, ex.path.split('?')[0]] as const))('seq %i %s %s answers as the real server did', ([seq]) => {
      const r = results.get(seq);
      expect(r, `seq ${seq} was not replayed`).toBeDefined();
      expect(r!.problems, `seq ${seq} ${r!.method} ${r!.path}`).toEqual([]);
    });
  });
}
