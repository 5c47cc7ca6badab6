import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export type TestDialect = 'sqlite' | 'postgres';

/** SQLite always; PostgreSQL when GLASSBOX_TEST_PG_URL is set (npm test sets it when PostgreSQL is installed). */
export const DIALECTS: TestDialect[] = ['sqlite', ...(process.env.GLASSBOX_TEST_PG_URL ? (['postgres'] as const) : [])];

export interface TestStoreTarget {
  uri: string;
  dir: string;
  cleanup(): Promise<void>;
}

/** A fresh, empty database (a temp SQLite file, or a new PostgreSQL database) plus a temp folder. */
export async function freshStore(dialect: TestDialect): Promise<TestStoreTarget> {
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-test-'));
  if (dialect === 'sqlite') {
    return { uri: `sqlite:///${join(dir, 'db.sqlite')}`, dir, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const admin = process.env.GLASSBOX_TEST_PG_URL!;
  const name = `gb_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name} TEMPLATE template0`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    uri: url.toString(),
    dir,
    cleanup: async () => {
      rmSync(dir, { recursive: true, force: true });
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
