import { describe, expect, test } from 'vitest';
import { MlflowError } from '../../src/server/errors.js';
import { type Comparison, parseFilter, parseOrderBy } from '../../src/server/search/index.js';

const cmp = (prefix: string, key: string, op: Comparison['op'], value: Comparison['value']): Comparison => ({ prefix, key, op, value });

describe('parseFilter accepts MLflow filters', () => {
  test.for<[string, Comparison[]]>([
    ['', []],
    ['   ', []],
    ['metrics.rmse < 0.5', [cmp('metrics', 'rmse', '<', 0.5)]],
    ['metric.acc>=1', [cmp('metric', 'acc', '>=', 1)]],
    ['metrics.loss > -2.5e-3', [cmp('metrics', 'loss', '>', -0.0025)]],
    ['metrics.x = 1E3', [cmp('metrics', 'x', '=', 1000)]],
    ['metrics.x != .5', [cmp('metrics', 'x', '!=', 0.5)]],
    ['metrics.x <= 10', [cmp('metrics', 'x', '<=', 10)]],
    ["params.lr = '0.01'", [cmp('params', 'lr', '=', '0.01')]],
    ['params.lr = "0.01"', [cmp('params', 'lr', '=', '0.01')]],
    ["PARAMS.lr = 'x'", [cmp('params', 'lr', '=', 'x')]],
    ["tags.`mlflow.runName` = 'x'", [cmp('tags', 'mlflow.runName', '=', 'x')]],
    ['tags."mlflow.runName" = \'x\'', [cmp('tags', 'mlflow.runName', '=', 'x')]],
    ["tags.mlflow.runName = 'x'", [cmp('tags', 'mlflow.runName', '=', 'x')]],
    ["tags.`key with spaces-and-dashes` != 'v'", [cmp('tags', 'key with spaces-and-dashes', '!=', 'v')]],
    ["tags.`a``b` = 'v'", [cmp('tags', 'a`b', '=', 'v')]],
    ["tags.t = 'it''s'", [cmp('tags', 't', '=', "it's")]],
    ["tags.t = 'it\\'s'", [cmp('tags', 't', '=', "it's")]],
    ['tags.t = "say \\"hi\\""', [cmp('tags', 't', '=', 'say "hi"')]],
    ["tags.t = 'back\\\\' AND tags.u = '50\\%'", [cmp('tags', 't', '=', 'back\\\\'), cmp('tags', 'u', '=', '50\\%')]],
    ["run_name = 'bold-cat'", [cmp('', 'run_name', '=', 'bold-cat')]],
    ["`run name` = 'bold-cat'", [cmp('', 'run name', '=', 'bold-cat')]],
    ['"run name" = \'bold-cat\'', [cmp('', 'run name', '=', 'bold-cat')]],
    ["attributes.`run name` LIKE 'b%'", [cmp('attributes', 'run name', 'LIKE', 'b%')]],
    ["params.m like 'cnn%'", [cmp('params', 'm', 'LIKE', 'cnn%')]],
    ["params.m IlIkE 'CNN%'", [cmp('params', 'm', 'ILIKE', 'CNN%')]],
    ["span.attributes.`llm.model` RLIKE '^gpt-4'", [cmp('span', 'attributes.llm.model', 'RLIKE', '^gpt-4')]],
    ["attributes.run_id IN ('a', \"b\",'c')", [cmp('attributes', 'run_id', 'IN', ['a', 'b', 'c'])]],
    ["run_id not in ('a')", [cmp('', 'run_id', 'NOT IN', ['a'])]],
    ['version_number IN (1, 2)', [cmp('', 'version_number', 'IN', ['1', '2'])]],
    ['tags.x IS NULL', [cmp('tags', 'x', 'IS NULL', null)]],
    ['tags.x is not null', [cmp('tags', 'x', 'IS NOT NULL', null)]],
    ["request_metadata.`mlflow.modelId` = 'm-1'", [cmp('request_metadata', 'mlflow.modelId', '=', 'm-1')]],
    ["feedback.`my judge` = 'yes'", [cmp('feedback', 'my judge', '=', 'yes')]],
    [
      "metrics.acc > 0.9 and params.model = 'cnn' AND tags.team LIKE 'v%'",
      [cmp('metrics', 'acc', '>', 0.9), cmp('params', 'model', '=', 'cnn'), cmp('tags', 'team', 'LIKE', 'v%')],
    ],
    ["\n\tmetrics.a=1\n  AND\tstatus='OK'  ", [cmp('metrics', 'a', '=', 1), cmp('', 'status', '=', 'OK')]],
    ["tags.`and` = 'or'", [cmp('tags', 'and', '=', 'or')]],
  ])('%s', ([filter, expected]) => {
    expect(parseFilter(filter)).toEqual(expected);
  });

  test('an undefined filter means no comparisons', () => {
    expect(parseFilter(undefined)).toEqual([]);
  });
});

describe('parseFilter rejects malformed filters with a 400 naming the token', () => {
  test.for<[string, string]>([
    ['metrics.x >> 1', "Invalid filter 'metrics.x >> 1': unexpected token '>>' at position 10"],
    ['metrics.x == 1', "unexpected token '==' at position 10"],
    ['metrics.x <> 1', "unexpected token '<>' at position 10"],
    ["a = 1 OR b = 'x'", "unexpected token 'OR' at position 6: OR is not supported"],
    ["(a = 1) AND b = 'x'", "unexpected token '(' at position 0: grouping with parentheses is not supported"],
    ['a = 1 AND', "dangling 'AND' at position 6"],
    ['a = 1 AND AND b = 2', "unexpected token 'AND' at position 10: empty comparison"],
    ['AND a = 1', "unexpected token 'AND' at position 0: empty comparison"],
    ['metrics.x', 'expected a comparison operator'],
    ['metrics.x >', "expected a quoted string or a number after '>' at end of filter"],
    ['metrics.x = 1 2', "unexpected token '2' at position 14, expected AND or end of filter"],
    ['metrics.x = 1 metrics.y = 2', "unexpected token 'metrics.y' at position 14"],
    ["params.p BETWEEN 'a'", "unexpected token 'BETWEEN' at position 9, expected a comparison operator"],
    ['params.p LIKE 5', "unexpected token '5' at position 14: LIKE needs a quoted pattern"],
    ["params.p = 'open", "unterminated ' quote starting at position 11"],
    ["tags.`open = 'x'", 'unterminated ` quote starting at position 5'],
    ["run_id IN 'a'", "unexpected token ''a'' at position 10, expected '(' to start the IN list"],
    ['run_id IN ()', "unexpected token ')' at position 11, expected a quoted value in the IN list"],
    ["run_id IN ('a' 'b')", "unexpected token ''b'' at position 15, expected ',' or ')' in the IN list"],
    ["run_id IN ('a',)", "unexpected token ')' at position 15, expected a quoted value after ','"],
    ["run_id NOT LIKE 'a'", "unexpected token 'LIKE' at position 11, expected 'IN' after 'NOT'"],
    ['tags.x IS 1', "unexpected token '1' at position 10, expected 'NULL' or 'NOT NULL'"],
    ['tags.x IS NOT', "expected 'NULL' after 'IS NOT' at end of filter"],
    ['tags. = 1', "expected a key name after '.' at position 5"],
    ["status = FINISHED", "unexpected token 'FINISHED' at position 9, expected a quoted string or a number"],
    ["1abc = 'x'", "unexpected token '1abc' at position 0"],
    ["params.a = 'x' ; DROP TABLE runs", "unexpected character ';' at position 15"],
    ["= 'x'", "unexpected token '=' at position 0, expected a key"],
  ])('%s', ([filter, message]) => {
    let error: unknown;
    try {
      parseFilter(filter);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MlflowError);
    expect((error as MlflowError).code).toBe('INVALID_PARAMETER_VALUE');
    expect((error as MlflowError).message).toContain(message);
  });
});

describe('parseOrderBy', () => {
  test.for<[string, ReturnType<typeof parseOrderBy>]>([
    ['metrics.`a b` DESC', { prefix: 'metrics', key: 'a b', ascending: false }],
    ['attributes.start_time', { prefix: 'attributes', key: 'start_time', ascending: true }],
    ['name ASC', { prefix: '', key: 'name', ascending: true }],
    ['  params.lr   desc ', { prefix: 'params', key: 'lr', ascending: false }],
    ['tags.mlflow.runName asc', { prefix: 'tags', key: 'mlflow.runName', ascending: true }],
    ['"run name"', { prefix: '', key: 'run name', ascending: true }],
  ])('parses %s', ([clause, expected]) => {
    expect(parseOrderBy(clause)).toEqual(expected);
  });

  test.for<[string, string]>([
    ['', "Invalid order_by clause '': expected a key"],
    ['metrics.rmse SIDEWAYS', "unexpected token 'SIDEWAYS' at position 13, expected ASC or DESC"],
    ['metrics.rmse DESC extra', "unexpected token 'extra' at position 18 after DESC"],
    ["'start_time'", "unexpected token ''start_time'' at position 0, expected a key"],
  ])('rejects %s', ([clause, message]) => {
    expect(() => parseOrderBy(clause)).toThrow(message);
  });
});
