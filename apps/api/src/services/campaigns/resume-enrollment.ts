import type { EnrollmentAction } from '@kindling/shared';
import type { Db } from '@kindling/db';
import { resumeEnrollment as resumeInEngine } from '@kindling/campaigns';
import { AppError, notFound } from '../../http/errors.js';

/** Resumes one paused enrollment of the workspace where it stopped. */
export async function resumeEnrollment(
  db: Db,
  workspaceId: string,
  id: string,
): Promise<EnrollmentAction> {
  if (!(await resumeInEngine(db, workspaceId, id))) {
    if (!(await db.enrollment.findFirst({ where: { id, workspaceId } })))
      throw notFound('Enrollment');
    throw new AppError('conflict', 'Only a paused enrollment can be resumed');
  }
  return { ok: true };
}
