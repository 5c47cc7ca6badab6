import { Hono } from 'hono';
import { createAssessment, deleteAssessment, getAssessment, updateAssessment } from '../../store/assessments.js';
import type { AppDeps } from '../deps.js';
import { MlflowError } from '../errors.js';
import { type AssessmentResponse, CreateAssessmentRequest, DeleteAssessmentRequest, UpdateAssessmentRequest } from '../schemas/assessments.js';
import { readJson } from '../validate.js';

const assessmentNotFound = (traceId: string, id: string) => MlflowError.notFound(`Assessment with ID '${id}' not found for trace '${traceId}'`);

/** Assessments CRUD under /traces/:trace_id/assessments (mlflow-protocol.md §6.2). The trace id in the path wins. */
export function assessmentsRoutes(deps: AppDeps) {
  const { db } = deps.store;
  return new Hono()
    .post('/traces/:trace_id/assessments', async (c) => {
      const traceId = c.req.param('trace_id');
      const { assessment } = await readJson(c, CreateAssessmentRequest);
      const trace = await db.selectFrom('trace_info').select('trace_id').where('trace_id', '=', traceId).executeTakeFirst();
      if (!trace) throw MlflowError.notFound(`Trace with ID '${traceId}' not found.`);
      const created = await db.transaction().execute((trx) => createAssessment(trx, traceId, assessment));
      return c.json({ assessment: created } satisfies AssessmentResponse);
    })
    .get('/traces/:trace_id/assessments/:assessment_id', async (c) => {
      const { trace_id, assessment_id } = c.req.param();
      const found = await getAssessment(db, trace_id, assessment_id);
      if (!found) throw assessmentNotFound(trace_id, assessment_id);
      return c.json({ assessment: found } satisfies AssessmentResponse);
    })
    .patch('/traces/:trace_id/assessments/:assessment_id', async (c) => {
      const { trace_id, assessment_id } = c.req.param();
      const req = await readJson(c, UpdateAssessmentRequest);
      const updated = await db.transaction().execute((trx) => updateAssessment(trx, trace_id, assessment_id, req.assessment, req.update_mask));
      if (!updated) throw assessmentNotFound(trace_id, assessment_id);
      return c.json({ assessment: updated } satisfies AssessmentResponse);
    })
    .delete('/traces/:trace_id/assessments/:assessment_id', async (c) => {
      const { trace_id, assessment_id } = c.req.param();
      await readJson(c, DeleteAssessmentRequest);
      const deleted = await db.transaction().execute((trx) => deleteAssessment(trx, trace_id, assessment_id));
      if (!deleted) throw assessmentNotFound(trace_id, assessment_id);
      return c.json({});
    });
}
