import type { CampaignList, CampaignListQuery } from '@kindling/shared';
import type { Db } from '@kindling/db';

/** The workspace's campaigns (archived ones only when asked for) with enrollment and send counts. */
export async function listCampaigns(
  db: Db,
  workspaceId: string,
  query: CampaignListQuery,
): Promise<CampaignList> {
  const list = await db.campaign.findMany({
    where: {
      workspaceId,
      ...(query.status ? { status: query.status } : { status: { not: 'archived' } }),
    },
    orderBy: { createdAt: 'desc' },
    include: { steps: { where: { deletedAt: null }, select: { type: true } } },
  });
  const counts = await db.enrollment.groupBy({
    by: ['campaignId', 'status'],
    where: { campaignId: { in: list.map((c) => c.id) } },
    _count: { _all: true },
  });
  const sent = await db.message.groupBy({
    by: ['campaignId'],
    where: { campaignId: { in: list.map((c) => c.id) }, kind: 'campaign', status: 'sent' },
    _count: { _all: true },
  });
  return {
    campaigns: list.map((c) => {
      const mine = counts.filter((x) => x.campaignId === c.id);
      return {
        id: c.id,
        name: c.name,
        status: c.status,
        emails: c.steps.filter((s) => s.type === 'email').length,
        steps: c.steps.length,
        enrolled: mine.reduce((a, b) => a + b._count._all, 0),
        active: mine.find((x) => x.status === 'active')?._count._all ?? 0,
        sent: sent.find((x) => x.campaignId === c.id)?._count._all ?? 0,
        updatedAt: c.updatedAt.toISOString(),
      };
    }),
  };
}
