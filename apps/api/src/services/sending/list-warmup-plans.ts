import type { WarmupPlanView } from '@kindling/shared';
import type { AppDeps } from '../../deps.js';
import { warmupPlanView } from './warmup-plan-view.js';

/** The workspace's warm-up plans with today's figures and reputation. */
export async function listWarmupPlans(
  deps: AppDeps,
  workspaceId: string,
): Promise<WarmupPlanView[]> {
  const { db } = deps;
  const ws = await db.workspace.findUniqueOrThrow({ where: { id: workspaceId } });
  const plans = await db.warmupPlan.findMany({
    where: { workspaceId },
    orderBy: [{ scope: 'asc' }, { key: 'asc' }],
  });
  const now = Date.now();
  return Promise.all(plans.map((p) => warmupPlanView(deps, p, ws.timeZone, now)));
}
