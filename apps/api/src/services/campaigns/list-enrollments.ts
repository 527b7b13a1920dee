import type { EnrollmentList } from '@kindling/shared';
import type { Db } from '@kindling/db';
import { loadCampaign } from './load-campaign.js';

/** The latest 100 enrollments of a campaign, newest first. */
export async function listEnrollments(
  db: Db,
  workspaceId: string,
  campaignId: string,
): Promise<EnrollmentList> {
  const c = await loadCampaign(db, workspaceId, campaignId);
  const rows = await db.enrollment.findMany({
    where: { campaignId: c.id },
    orderBy: { enrolledAt: 'desc' },
    take: 100,
    include: { lead: { select: { email: true, firstName: true, lastName: true } } },
  });
  return {
    enrollments: rows.map((e) => ({
      id: e.id,
      leadId: e.leadId,
      email: e.lead.email,
      name: [e.lead.firstName, e.lead.lastName].filter(Boolean).join(' '),
      status: e.status,
      exitReason: e.exitReason,
      source: e.source,
      currentStepId: e.currentStepId,
      nextRunAt: e.nextRunAt?.toISOString() ?? null,
      enrolledAt: e.enrolledAt.toISOString(),
    })),
  };
}
