import type { z } from 'zod';
import type { EnrollResult, enrollLeadsSchema } from '@kindling/shared';
import type { Db } from '@kindling/db';
import { enrollMany } from '@kindling/campaigns';
import { AppError } from '../../http/errors.js';
import { loadCampaign } from './load-campaign.js';

/**
 * Enrolls the workspace's leads named by id or email in an active campaign, through the one
 * enrollment service. `source` says who asked: a team member ('manual') or an API key ('api').
 */
export async function enrollLeads(
  db: Db,
  workspaceId: string,
  campaignId: string,
  input: z.output<typeof enrollLeadsSchema>,
  source: 'manual' | 'api',
): Promise<EnrollResult> {
  const c = await loadCampaign(db, workspaceId, campaignId);
  if (c.status !== 'active')
    throw new AppError('conflict', 'Activate the campaign before enrolling leads');
  if (!input.leadIds?.length && !input.emails?.length) {
    throw new AppError('validation_failed', 'Give leadIds or emails', [
      { field: 'leadIds', issue: 'Required' },
    ]);
  }
  const leads = await db.lead.findMany({
    where: {
      workspaceId,
      OR: [
        ...(input.leadIds?.length ? [{ id: { in: input.leadIds } }] : []),
        ...(input.emails?.length ? [{ email: { in: input.emails } }] : []),
      ],
    },
    select: { id: true },
  });
  const enrolled = await enrollMany(db, {
    workspaceId,
    campaignId: c.id,
    leadIds: leads.map((l) => l.id),
    source,
  });
  const requested = (input.leadIds?.length ?? 0) + (input.emails?.length ?? 0);
  return {
    enrolled,
    skipped: leads.length - enrolled,
    notFound: Math.max(0, requested - leads.length),
  };
}
