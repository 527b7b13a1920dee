import type { Db } from '@kindling/db';
import { notFound } from '../../http/errors.js';
import type { FullCampaign } from './campaign-view.js';

/** The workspace's campaign with its steps and triggers; another workspace's is a 404. */
export async function loadCampaign(db: Db, workspaceId: string, id: string): Promise<FullCampaign> {
  const c = await db.campaign.findFirst({
    where: { id, workspaceId },
    include: { steps: { orderBy: { position: 'asc' } }, triggers: true },
  });
  if (!c) throw notFound('Campaign');
  return c;
}
