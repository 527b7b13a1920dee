import type { CampaignView } from '@kindling/shared';
import type { Db } from '@kindling/db';
import { resumeCampaign as resumeInEngine } from '@kindling/campaigns';
import { AppError } from '../../http/errors.js';
import { toView } from './campaign-view.js';
import { loadCampaign } from './load-campaign.js';

/** Resumes a paused campaign; steps that fell due meanwhile run at the next sweep. */
export async function resumeCampaign(
  db: Db,
  workspaceId: string,
  id: string,
): Promise<CampaignView> {
  await loadCampaign(db, workspaceId, id);
  if (!(await resumeInEngine(db, workspaceId, id)))
    throw new AppError('conflict', 'Only a paused campaign can be resumed');
  return toView(await loadCampaign(db, workspaceId, id));
}
