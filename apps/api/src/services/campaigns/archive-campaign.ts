import type { CampaignView } from '@kindling/shared';
import type { Db } from '@kindling/db';
import { toView } from './campaign-view.js';
import { loadCampaign } from './load-campaign.js';

/** Archives a campaign: its live enrollments exit at once and nothing more is sent. */
export async function archiveCampaign(
  db: Db,
  workspaceId: string,
  id: string,
): Promise<CampaignView> {
  const c = await loadCampaign(db, workspaceId, id);
  await db.$transaction([
    db.campaign.update({ where: { id: c.id }, data: { status: 'archived' } }),
    db.enrollment.updateMany({
      where: { campaignId: c.id, status: { in: ['active', 'paused'] } },
      data: {
        status: 'exited',
        exitReason: 'archived',
        nextRunAt: null,
        completedAt: new Date(),
      },
    }),
  ]);
  return toView(await loadCampaign(db, workspaceId, c.id));
}
