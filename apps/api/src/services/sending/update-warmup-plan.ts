import type { z } from 'zod';
import type { updateWarmupSchema, WarmupPlanView } from '@kindling/shared';
import type { AppDeps } from '../../deps.js';
import { AppError } from '../../http/errors.js';
import { currentPlanView, ownPlan } from './warmup-plan-view.js';

/** Edits a warm-up plan: curve, explicit schedule, provider shares, hours, thresholds. */
export async function updateWarmupPlan(
  deps: AppDeps,
  workspaceId: string,
  id: string,
  body: z.output<typeof updateWarmupSchema>,
): Promise<WarmupPlanView> {
  const cur = await ownPlan(deps, workspaceId, id);
  const start = body.sendStartHour ?? cur.sendStartHour;
  const end = body.sendEndHour ?? cur.sendEndHour;
  if (end <= start)
    throw new AppError('validation_failed', 'Sending hours must end after they start', [
      { field: 'sendEndHour', issue: 'must be after the start hour' },
    ]);
  const p = await deps.db.warmupPlan.update({ where: { id: cur.id }, data: body });
  return currentPlanView(deps, p);
}
