import type { Context } from 'hono';
import type { Db } from '../../store/db.js';
import { dropResourceGrants, grantPermission, renameResource, type Permission, type User } from '../../store/users.js';
import { allowedAll, readable } from './access.js';
import type { After } from './permissions.js';
import { valuesAt } from './resources.js';

type Json = Record<string, any>;

const requestJson = async (c: Context): Promise<unknown> => {
  try {
    return JSON.parse((await c.req.text()) || '{}');
  } catch {
    return {};
  }
};

const replaceJson = (c: Context, body: unknown, status = 200) => {
  c.res = new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
};

/**
 * Work done on a successful (200) response, so the resource routes stay unaware of auth: creators
 * get MANAGE, model renames carry grants along, and multi-resource answers are cut down to what the
 * caller may read. Filtering happens per page, so a page can come back shorter than max_results
 * (even empty) while next_page_token still leads on; MLflow's basic-auth app filters the same way.
 */
export async function applyAfter(after: After, c: Context, db: Db, user: User, fallback: Permission): Promise<void> {
  const body = (await c.res.clone().json().catch(() => undefined)) as Json | undefined;
  if (!body) return;
  switch (after) {
    case 'grant-experiment-creator':
      if (body.experiment_id !== undefined) await grantPermission(db, user.user_id, 'experiment', String(body.experiment_id), 'MANAGE');
      return;
    case 'grant-model-creator':
      if (body.registered_model?.name) await grantPermission(db, user.user_id, 'registered_model', body.registered_model.name, 'MANAGE');
      return;
    case 'move-model-grants': {
      const req = await requestJson(c);
      const [from] = valuesAt(req, 'name');
      const [to] = valuesAt(req, 'new_name');
      if (from && to) await renameResource(db, 'registered_model', from, to);
      return;
    }
    case 'drop-model-grants': {
      // Model names can be reused: grants on a deleted model must not carry over to a new one.
      const [name] = valuesAt(await requestJson(c), 'name');
      if (name) await dropResourceGrants(db, 'registered_model', name);
      return;
    }
  }
  if (user.is_admin) return;
  switch (after) {
    case 'check-experiment-read': {
      const id = body.experiment?.experiment_id;
      if (!(await allowedAll(db, user, [{ type: 'experiment', id: id === undefined ? undefined : String(id) }], 'READ', fallback))) {
        replaceJson(c, { error_code: 'PERMISSION_DENIED', message: 'Permission denied' }, 403);
      }
      return;
    }
    case 'filter-experiments':
      body.experiments = await readable(db, user, 'experiment', body.experiments ?? [], (e: Json) => String(e.experiment_id), fallback);
      break;
    case 'filter-models':
      body.registered_models = await readable(db, user, 'registered_model', body.registered_models ?? [], (m: Json) => m.name, fallback);
      break;
    case 'filter-model-versions':
      body.model_versions = await readable(db, user, 'registered_model', body.model_versions ?? [], (m: Json) => m.name, fallback);
      break;
    case 'filter-datasets': {
      // A dataset is listed when every experiment it is linked to is readable (what GET /datasets/:id needs).
      const datasets: Json[] = body.datasets ?? [];
      const keep = await Promise.all(
        datasets.map((d) => {
          const ids: string[] = d.experiment_ids?.length ? d.experiment_ids : [undefined];
          return allowedAll(db, user, ids.map((id) => ({ type: 'experiment', id })), 'READ', fallback);
        }),
      );
      body.datasets = datasets.filter((_, i) => keep[i]);
      break;
    }
    case 'filter-evaluations':
      body.jobs = await readable(db, user, 'experiment', body.jobs ?? [], (j: Json) => String(j.experiment_id), fallback);
      break;
  }
  replaceJson(c, body);
}
