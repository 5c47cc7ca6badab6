import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GetScorerResponse, ListScorersResponse, OnlineScoringConfigResponse, OnlineScoringConfigsResponse, RegisterScorerResponse } from '../../src/server/schemas/scorers.js';
import { type AuthServer, startAuthServer } from '../security/helpers.js';
import { DIALECTS } from '../helpers/dialects.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, makeExperiment, ok, V3 } from './trace-builders.js';

const SC = `${V3}/scorers`;

/** A judge as `make_judge(...).register()` serializes it (trimmed). */
const judge = (instructions: string) =>
  JSON.stringify({ name: 'polite', mlflow_version: '3.11.2', serialization_version: 1, instructions_judge_pydantic_data: { instructions, model: 'openai:/gpt-4o-mini' } });

for (const dialect of DIALECTS) {
  describe(`${dialect}: scorers`, () => {
    let s: TestServer;
    let exp: string;
    beforeAll(async () => {
      s = await startTestServer(dialect);
      exp = await makeExperiment(s);
    });
    afterAll(() => s?.close());

    const register = async (name: string, serialized: string, experimentId = exp) =>
      ok(RegisterScorerResponse, await s.api('POST', `${SC}/register`, { experiment_id: experimentId, name, serialized_scorer: serialized }));

    test('RegisterScorer numbers versions per experiment and name, and GetScorer returns the latest or the one asked', async () => {
      const v1 = await register('polite', judge('v1'));
      expect(v1).toEqual({ version: 1, scorer_id: expect.stringMatching(/^[0-9a-f-]{36}$/), experiment_id: exp, name: 'polite', serialized_scorer: judge('v1'), creation_time: expect.any(Number) });
      const v2 = await register('polite', judge('v2'));
      expect(v2).toMatchObject({ version: 2, scorer_id: v1.scorer_id });
      const other = await makeExperiment(s);
      expect(await register('polite', judge('elsewhere'), other)).toMatchObject({ version: 1, experiment_id: other });

      const latest = ok(GetScorerResponse, await s.api('GET', `${SC}/get?experiment_id=${exp}&name=polite`)).scorer;
      expect(latest).toEqual({ experiment_id: Number(exp), scorer_name: 'polite', scorer_version: 2, serialized_scorer: judge('v2'), creation_time: v2.creation_time, scorer_id: v1.scorer_id });
      const first = ok(GetScorerResponse, await s.api('GET', `${SC}/get?experiment_id=${exp}&name=polite&version=1`)).scorer;
      expect(first.serialized_scorer).toBe(judge('v1'));
    });

    test('ListScorers returns the latest version of each scorer by name, ListScorerVersions every version', async () => {
      const e = await makeExperiment(s);
      await register('b', judge('b1'), e);
      await register('a', judge('a1'), e);
      await register('b', judge('b2'), e);
      const list = ok(ListScorersResponse, await s.api('GET', `${SC}/list?experiment_id=${e}`)).scorers;
      expect(list.map((x) => [x.scorer_name, x.scorer_version])).toEqual([['a', 1], ['b', 2]]);
      const versions = ok(ListScorersResponse, await s.api('GET', `${SC}/versions?experiment_id=${e}&name=b`)).scorers;
      expect(versions.map((x) => x.serialized_scorer)).toEqual([judge('b1'), judge('b2')]);
      expect(ok(ListScorersResponse, await s.api('GET', `${SC}/list?experiment_id=${await makeExperiment(s)}`))).toEqual({ scorers: [] });
    });

    test('DeleteScorer removes one version, or all of them when no version is given', async () => {
      const e = await makeExperiment(s);
      await register('x', judge('1'), e);
      await register('x', judge('2'), e);
      expect((await s.api('DELETE', `${SC}/delete`, { experiment_id: e, name: 'x', version: 2 })).status).toBe(200);
      expect(ok(GetScorerResponse, await s.api('GET', `${SC}/get?experiment_id=${e}&name=x`)).scorer.scorer_version).toBe(1);
      expectError(await s.api('DELETE', `${SC}/delete`, { experiment_id: e, name: 'x', version: 2 }), 404, 'RESOURCE_DOES_NOT_EXIST', 'version 2');
      expect((await s.api('DELETE', `${SC}/delete?experiment_id=${e}&name=x`)).status).toBe(200);
      expectError(await s.api('GET', `${SC}/get?experiment_id=${e}&name=x`), 404, 'RESOURCE_DOES_NOT_EXIST', "Scorer with name 'x' not found");
      expect(ok(ListScorersResponse, await s.api('GET', `${SC}/list?experiment_id=${e}`)).scorers).toEqual([]);
      expect((await register('x', judge('again'), e)).version).toBe(1);
    });

    test.for([
      ['serialized_scorer that is not JSON', { name: 'j', serialized_scorer: '{oops' }, 400, 'INVALID_PARAMETER_VALUE', 'valid JSON'],
      ['a @scorer function (call_source is executable code)', { name: 'j', serialized_scorer: JSON.stringify({ name: 'j', call_source: 'return 1' }) }, 400, 'INVALID_PARAMETER_VALUE', '@scorer'],
      ['a blank name', { name: '  ', serialized_scorer: '{}' }, 400, 'INVALID_PARAMETER_VALUE', 'empty'],
      ['no serialized_scorer', { name: 'j' }, 400, 'INVALID_PARAMETER_VALUE', 'serialized_scorer'],
      ['an unknown experiment', { experiment_id: '999999', name: 'j', serialized_scorer: '{}' }, 404, 'RESOURCE_DOES_NOT_EXIST', '999999'],
    ] as const)('RegisterScorer refuses %s', async ([, body, status, code, part]) => {
      expectError(await s.api('POST', `${SC}/register`, { experiment_id: exp, ...body }), status, code, part);
    });

    test('scorer calls on a deleted experiment are 400 and on an unknown scorer 404', async () => {
      const gone = await makeExperiment(s, 'deleted');
      expectError(await s.api('GET', `${SC}/list?experiment_id=${gone}`), 400, 'INVALID_PARAMETER_VALUE', 'active');
      expectError(await s.api('GET', `${SC}/versions?experiment_id=${exp}&name=nope`), 404, 'RESOURCE_DOES_NOT_EXIST');
      expectError(await s.api('DELETE', `${SC}/delete`, { experiment_id: exp, name: 'nope' }), 404, 'RESOURCE_DOES_NOT_EXIST');
      expectError(await s.api('GET', `${SC}/get?name=x`), 400, 'INVALID_PARAMETER_VALUE', 'experiment_id');
    });

    test('online scoring has no configs, accepts stopping and refuses starting (there is no AI gateway)', async () => {
      const { scorer_id } = await register('online', judge('o'));
      expect(ok(OnlineScoringConfigsResponse, await s.api('GET', `${SC}/online-configs?scorer_ids=${scorer_id}`))).toEqual({ configs: [] });
      const stop = await s.api('PUT', `${SC}/online-config`, { experiment_id: exp, name: 'online', sample_rate: 0 });
      expect(ok(OnlineScoringConfigResponse, stop).config).toMatchObject({ scorer_id, sample_rate: 0, experiment_id: exp });
      expectError(await s.api('PUT', `${SC}/online-config`, { experiment_id: exp, name: 'online', sample_rate: 0.5 }), 400, 'INVALID_PARAMETER_VALUE', 'online scoring');
      expectError(await s.api('PUT', `${SC}/online-config`, { experiment_id: exp, name: 'nope', sample_rate: 0 }), 404, 'RESOURCE_DOES_NOT_EXIST');
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: scorers with auth on`, () => {
    let s: AuthServer;
    let owner: Awaited<ReturnType<AuthServer['user']>>;
    let other: Awaited<ReturnType<AuthServer['user']>>;
    let exp: string;
    beforeAll(async () => {
      s = await startAuthServer(dialect);
      owner = await s.user();
      other = await s.user();
      exp = (await s.api('POST', '/api/2.0/mlflow/experiments/create', { name: `scorers-${Date.now()}` }, owner.headers)).body.experiment_id;
      const r = await s.api('POST', `${SC}/register`, { experiment_id: exp, name: 'kept', serialized_scorer: judge('k') }, owner.headers);
      expect(r.status).toBe(200);
    });
    afterAll(() => s?.close());

    test('reading scorers needs READ on the experiment, registering EDIT and deleting MANAGE', async () => {
      expect((await s.api('GET', `${SC}/list?experiment_id=${exp}`, undefined, other.headers)).status).toBe(200);
      expect((await s.api('GET', `${SC}/get?experiment_id=${exp}&name=kept`, undefined, other.headers)).status).toBe(200);
      expect((await s.api('POST', `${SC}/register`, { experiment_id: exp, name: 'x', serialized_scorer: '{}' }, other.headers)).status).toBe(403);
      expect((await s.api('DELETE', `${SC}/delete`, { experiment_id: exp, name: 'kept' }, other.headers)).status).toBe(403);
      expect((await s.api('DELETE', `${SC}/delete?experiment_id=${exp}&name=kept`, undefined, other.headers)).status).toBe(403);
      await s.grant(other.name, exp, 'NO_PERMISSIONS');
      expect((await s.api('GET', `${SC}/versions?experiment_id=${exp}&name=kept`, undefined, other.headers)).status).toBe(403);
      expect((await s.api('DELETE', `${SC}/delete`, { experiment_id: exp, name: 'kept' }, owner.headers)).status).toBe(200);
    });
  });
}
