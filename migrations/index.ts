import type { Migration } from 'kysely';
import * as tracking from './2026_11_26_0001_tracking.js';

/** The static, ordered list of migrations (names sort in application order). */
export const migrations: Record<string, Migration> = {
  '2026_11_26_0001_tracking': tracking,
};
