import type { CampaignWithProblems } from '@kindling/shared';
import type { Db } from '@kindling/db';
import { validateCampaign } from '@kindling/campaigns';
import { toDocument, toView } from './campaign-view.js';
import { loadCampaign } from './load-campaign.js';
import { validationContext } from './validation-context.js';

/** One campaign with every problem that would stop its activation. */
export async function getCampaign(
  db: Db,
  workspaceId: string,
  id: string,
): Promise<CampaignWithProblems> {
  const c = await loadCampaign(db, workspaceId, id);
  const ctx = await validationContext(db, workspaceId);
  return { ...toView(c), problems: validateCampaign(toDocument(c), ctx) };
}
