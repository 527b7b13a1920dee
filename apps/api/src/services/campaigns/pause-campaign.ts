import type { CampaignView } from '@kindling/shared';
import type { Db } from '@kindling/db';
import { pauseCampaign as pauseInEngine } from '@kindling/campaigns';
import { AppError } from '../../http/errors.js';
import { toView } from './campaign-view.js';
import { loadCampaign } from './load-campaign.js';

/** Pauses an active campaign: nothing is sent until it is resumed. */
export async function pauseCampaign(
  db: Db,
  workspaceId: string,
  id: string,
): Promise<CampaignView> {
  await loadCampaign(db, workspaceId, id);
  if (!(await pauseInEngine(db, workspaceId, id)))
    throw new AppError('conflict', 'Only an active campaign can be paused');
  return toView(await loadCampaign(db, workspaceId, id));
}
