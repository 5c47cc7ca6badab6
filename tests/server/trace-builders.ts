import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { z } from 'zod';
import type { ApiResponse, TestServer } from '../helpers/server.js';

export const V3 = '/api/3.0/mlflow';

export const newTraceId = () => `tr-${randomBytes(16).toString('hex')}`;

/** An experiment created straight in the store, so these tests do not depend on the experiments API. */
export async function makeExperiment(s: TestServer, lifecycle = 'active'): Promise<string> {
  const now = Date.now();
  const name = `exp-${randomBytes(6).toString('hex')}`;
  const row = await s.store.db
    .insertInto('experiments')
    .values({ name, artifact_location: 'pending', lifecycle_stage: lifecycle, creation_time: now, last_update_time: now })
    .returning('experiment_id')
    .executeTakeFirstOrThrow();
  const id = String(row.experiment_id);
  await s.store.db.updateTable('experiments').set({ artifact_location: `mlflow-artifacts:/${id}` }).where('experiment_id', '=', Number(id)).execute();
  return id;
}

/** A TraceInfoV3 as the Python client sends it in StartTraceV3 (python-client-3.11.jsonl seq 39). */
export function traceInfo(experimentId: string, over: Record<string, unknown> = {}) {
  return {
    trace_id: newTraceId(),
    trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } },
    request_time: '2026-11-26T15:53:21.672Z',
    execution_duration: '0.127s',
    state: 'OK',
    trace_metadata: {
      'mlflow.user': 'fixture-user',
      'mlflow.trace_schema.version': '3',
      'mlflow.trace.sizeStats': '{"total_size_bytes": 3413, "num_spans": 3, "max": 971, "p25": 733, "p50": 873, "p75": 922}',
    },
    tags: { 'mlflow.traceName': 'answer_question' },
    request_preview: '{"question": "What is MLflow?"}',
    response_preview: '"MLflow is an open source platform."',
    ...over,
  };
}

export function startTrace(s: TestServer, info: ReturnType<typeof traceInfo>) {
  return s.api('POST', `${V3}/traces`, { trace: { trace_info: info } });
}

/** Asserts a 200 whose body matches the route's own response schema, and returns the body. */
export function ok<T extends z.ZodType>(schema: T, r: ApiResponse): z.infer<T> {
  expect(r.status, r.text).toBe(200);
  const parsed = schema.safeParse(r.body);
  if (!parsed.success) throw new Error(`response does not match the schema: ${parsed.error.message}\n${r.text}`);
  return parsed.data;
}

export function expectError(r: ApiResponse, status: number, code: string, messagePart?: string) {
  expect(r.status, r.text).toBe(status);
  expect(r.body.error_code).toBe(code);
  if (messagePart) expect(r.body.message).toContain(messagePart);
}
