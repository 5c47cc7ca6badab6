import type { Db } from './db.js';

/**
 * The artifact root of a run, read straight from `runs` so the artifact routes do not depend on
 * the run repository's wire mapping. Undefined when the run does not exist.
 */
export async function getRunArtifactUri(db: Db, runId: string): Promise<string | undefined> {
  const row = await db.selectFrom('runs').select('artifact_uri').where('run_uuid', '=', runId).executeTakeFirst();
  return row?.artifact_uri;
}
