import type { Db } from '@kindling/db';
import { AppError } from '../../http/errors.js';
import { loadCampaign } from './load-campaign.js';

/** Deletes a draft that never enrolled anyone; any other campaign is archived instead. */
export async function deleteCampaign(db: Db, workspaceId: string, id: string): Promise<void> {
  const c = await loadCampaign(db, workspaceId, id);
  const ran = await db.enrollment.count({ where: { campaignId: c.id } });
  if (c.status !== 'draft' || ran > 0)
    throw new AppError(
      'conflict',
      'Only a draft that never enrolled anyone can be deleted; archive it instead',
    );
  await db.campaign.delete({ where: { id: c.id } });
}
