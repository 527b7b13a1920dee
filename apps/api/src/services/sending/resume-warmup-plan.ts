import type { WarmupPlanView } from '@kindling/shared';
import type { AppDeps } from '../../deps.js';
import { currentPlanView, ownPlan } from './warmup-plan-view.js';

/** Resumes sending on a pool or domain the reputation guard paused. */
export async function resumeWarmupPlan(
  deps: AppDeps,
  workspaceId: string,
  id: string,
): Promise<WarmupPlanView> {
  const cur = await ownPlan(deps, workspaceId, id);
  const p = await deps.db.warmupPlan.update({
    where: { id: cur.id },
    data: { status: 'active', pausedReason: null, pausedAt: null },
  });
  return currentPlanView(deps, p);
}
