import type { EnrollmentAction } from '@kindling/shared';
import type { Db } from '@kindling/db';
import { pauseEnrollment as pauseInEngine } from '@kindling/campaigns';
import { AppError, notFound } from '../../http/errors.js';

/** Pauses one active enrollment of the workspace. */
export async function pauseEnrollment(
  db: Db,
  workspaceId: string,
  id: string,
): Promise<EnrollmentAction> {
  if (!(await pauseInEngine(db, workspaceId, id))) {
    if (!(await db.enrollment.findFirst({ where: { id, workspaceId } })))
      throw notFound('Enrollment');
    throw new AppError('conflict', 'Only an active enrollment can be paused');
  }
  return { ok: true };
}
