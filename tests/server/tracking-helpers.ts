import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { ApiResponse } from '../helpers/server.js';

/** Shared by the experiments, runs and metrics suites. */
export const API = '/api/2.0/mlflow';
export const uniq = (p: string) => `${p}-${randomBytes(4).toString('hex')}`;

/** Asserts a 200 whose body matches the route's own response schema, and returns it typed. */
export function ok<T>(schema: { parse(v: unknown): T }, r: ApiResponse): T {
  expect(r.status, r.text).toBe(200);
  return schema.parse(r.body);
}

/** Asserts MLflow's error shape: the exact status and error_code, and a message. */
export function expectError(r: ApiResponse, status: number, code: string): void {
  expect(r.status, r.text).toBe(status);
  expect(r.body?.error_code, r.text).toBe(code);
  expect(typeof r.body.message).toBe('string');
}
